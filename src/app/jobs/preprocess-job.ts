/** Dataset -> resized, split (and optionally PCA-reduced) training data. */
import type { PreprocessSummary, RequestArgs } from '../../contract/contract.ts';
import { FerError } from '../../core/errors.ts';
import { preprocessDataset } from '../../core/preprocess/preprocess.ts';
import type { JobContext } from '../job-runner.ts';
import type { LoadedDataset, Preprocessed } from '../session.ts';

export async function preprocessJob(
  ctx: JobContext,
  data: LoadedDataset,
  args: RequestArgs<'preprocess'>,
): Promise<Preprocessed> {
  if (args.pca !== null && args.pca >= 1 && !Number.isInteger(args.pca)) {
    throw new FerError('PCA takes a whole number of components (e.g. 150) or a variance fraction below 1 (e.g. 0.95)', {
      kind: 'usage',
    });
  }
  const pca = args.pca === null ? null : args.pca < 1 ? { varianceFraction: args.pca } : args.pca;
  ctx.progress('preprocess', 0, `Preprocessing ${data.summary.name}`);
  const result = await preprocessDataset(data.ds, {
    size: args.size,
    pca,
    seed: args.seed,
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.stage, p.fraction, p.message ?? `Preprocessing (${p.stage})`),
  });
  const rep = result.report;
  const summary: PreprocessSummary = {
    size: result.size,
    channels: result.channels,
    classes: [...result.classes],
    counts: { train: result.train.count, validation: result.validation.count, test: result.test.count },
    featuresBefore: rep.featuresBefore,
    featuresResized: result.size * result.size * result.channels,
    featuresAfter: rep.featuresAfter,
    explainedVariance: result.pca ? rep.explainedVariance : null,
    seconds: rep.seconds,
  };
  return { result, summary, datasetName: data.summary.name };
}
