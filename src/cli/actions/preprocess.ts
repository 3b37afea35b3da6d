/** The work of `fer preprocess` (imported once the arguments are valid). */
import { loadDataset } from '../../core/dataset/load-dataset.ts';
import { preprocessDataset } from '../../core/preprocess/preprocess.ts';
import { savePreprocessed } from '../../core/preprocess/preprocessed-io.ts';
import { EXIT, type CliContext } from '../context.ts';
import { percent } from '../progress-bar.ts';
import { progressReporter } from '../task-progress.ts';

export interface PreprocessArgs {
  data: string;
  out: string;
  preset: 'default' | 'paper';
  size?: number;
  pca: number | { varianceFraction: number } | null;
  seed?: number;
}

export async function preprocess(a: PreprocessArgs, ctx: CliContext): Promise<number> {
  const t0 = Date.now();
  const ds = await loadDataset(a.data, { signal: ctx.signal, onProgress: progressReporter(ctx, 'loading') });
  const result = await preprocessDataset(ds, {
    size: a.size,
    pca: a.pca,
    preset: a.preset,
    seed: a.seed,
    backend: ctx.runtime.backend,
    signal: ctx.signal,
    onProgress: progressReporter(ctx, 'preprocessing'),
  });
  await savePreprocessed(result, a.out);
  ctx.clearStatus();
  const rep = result.report;
  const splits = { train: result.train.count, validation: result.validation.count, test: result.test.count };
  const report = {
    out: a.out,
    data: a.data,
    preset: a.preset,
    images: { before: rep.imagesBefore, after: rep.imagesAfter },
    splits,
    imageShape: { before: [ds.height, ds.width, ds.channels], after: [result.size, result.size, result.channels] },
    features: { before: rep.featuresBefore, after: rep.featuresAfter },
    pcaComponents: result.pca ? result.pca.k : null,
    explainedVariance: rep.explainedVariance,
    seconds: rep.seconds,
    pcaSeconds: rep.pcaSeconds,
    totalSeconds: (Date.now() - t0) / 1000,
  };
  if (ctx.json) {
    ctx.emit(report);
    return EXIT.ok;
  }
  ctx.print(
    `images      ${report.images.before} before, ${report.images.after} after (train ${splits.train}, validation ${splits.validation}, test ${splits.test})`,
  );
  ctx.print(`image shape ${report.imageShape.before.join('x')} -> ${report.imageShape.after.join('x')}`);
  ctx.print(
    `features    ${report.features.before} before, ${report.features.after} after${result.pca ? ` (PCA, ${result.pca.k} components fitted on the train split)` : ''}`,
  );
  if (report.explainedVariance !== null) ctx.print(`explained variance ${percent(report.explainedVariance, 2)}`);
  ctx.print(
    `seconds     ${report.seconds.toFixed(2)} preprocessing${result.pca ? ` (PCA ${report.pcaSeconds.toFixed(2)})` : ''}; ${report.totalSeconds.toFixed(2)} with loading and saving`,
  );
  ctx.print(`saved to    ${a.out}`);
  return EXIT.ok;
}
