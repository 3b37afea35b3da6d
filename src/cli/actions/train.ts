/** The work of `fer train` (imported only once the arguments are valid: it loads TensorFlow.js). */
import { initBackend } from '../../core/backend/init-backend.ts';
import { FerError, isFerError } from '../../core/errors.ts';
import { recipeFor } from '../../core/models/registry.ts';
import { trainOnPreprocessed } from '../../core/pipeline/train-pipeline.ts';
import { defaultCheckpointDir, type TrainResult } from '../../core/train/trainer.ts';
import { EXIT, type CliContext } from '../context.ts';
import { loadTrainingData } from '../train-input.ts';
import { heldOutAccuracy, printSummary, type TrainSummary } from '../train-summary.ts';
import { trainView } from '../train-view.ts';

export interface TrainArgs {
  data: string;
  /** A user-facing kind of the model registry. */
  kind: string;
  preset: 'default' | 'paper';
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  out: string;
  resume: boolean;
  workers?: number;
}

export async function train(a: TrainArgs, ctx: CliContext): Promise<number> {
  const { data, kind, preset, epochs, batchSize, learningRate, seed, out } = a;
  const checkpoint = defaultCheckpointDir(out);
  const backend = await initBackend(ctx.runtime.backend);
  if (!ctx.json) ctx.print(`backend: ${backend}`);
  const recipe = recipeFor(kind, preset);
  const pre = await loadTrainingData(data, preset, ctx);
  if (preset === 'paper' && (!pre.pca || pre.channels !== 3)) {
    throw new FerError(
      'was not preprocessed with --preset paper (RGB 32x32 + PCA); preprocess it again with --preset paper, or give the dataset itself',
      { file: data },
    );
  }
  const validationSplit = pre.validation.count ? 'validation' : pre.test.count ? 'test' : null;
  if (!ctx.json)
    ctx.print(
      `training ${recipe.kind} on ${pre.train.count} images (validation ${pre.validation.count}, test ${pre.test.count}); saving to ${out}`,
    );

  const defaults = recipe.defaults;
  const view = trainView(ctx, epochs ?? defaults.epochs, batchSize ?? defaults.batchSize, validationSplit);
  let lastEpoch = 0;
  let result: TrainResult;
  try {
    result = await trainOnPreprocessed(pre, {
      kind,
      preset,
      epochs,
      batchSize,
      learningRate,
      seed,
      outDir: out,
      checkpointDir: checkpoint,
      resume: a.resume,
      workers: a.workers ?? ctx.runtime.trainThreads ?? undefined,
      signal: ctx.signal,
      onBatch: (b) => view.onBatch(b),
      onEpoch: (e) => {
        lastEpoch = e.epoch;
        ctx.clearStatus();
        view.onEpoch(e);
      },
    });
  } catch (e) {
    // Cancelled while validating: the epoch was not saved, the previous one is on disk.
    if (isFerError(e) && e.kind === 'cancelled') return reportCancel(ctx, out, checkpoint, lastEpoch);
    throw e;
  }
  ctx.clearStatus();
  const history = result.meta.history;
  if (result.cancelled) return reportCancel(ctx, out, checkpoint, history.at(-1)?.epoch ?? 0);

  const last = history.at(-1) ?? null;
  const summary: TrainSummary = {
    type: 'done',
    out,
    checkpoint,
    backend,
    kind: result.meta.kind,
    preset,
    epochs: history.length,
    seconds: result.meta.seconds,
    bestValAccuracy: result.meta.metrics.bestValAccuracy ?? null,
    bestEpoch: result.meta.metrics.bestEpoch ?? null,
    validationSplit,
    lastEpoch: last,
    heldOut: await heldOutAccuracy(result, pre, validationSplit, ctx.signal),
    chance: 1 / pre.classes.length,
    ...(preset === 'paper' && last
      ? {
          reference: {
            metric: 'training accuracy of the last epoch',
            trainAccuracy: last.accuracy,
            ...(last.binaryAccuracy !== undefined ? { binaryAccuracy: last.binaryAccuracy } : {}),
          },
        }
      : {}),
  };
  result.model.dispose();
  if (ctx.json) ctx.emit(summary);
  else printSummary(ctx, summary);
  return EXIT.ok;
}

function reportCancel(ctx: CliContext, out: string, checkpoint: string, epoch: number): number {
  ctx.clearStatus();
  if (ctx.json)
    ctx.emit({
      type: 'cancelled',
      epoch: epoch || null,
      out: epoch ? out : null,
      checkpoint: epoch ? checkpoint : null,
    });
  else if (epoch) {
    ctx.print(
      `cancelled; the last complete epoch (${epoch}) is saved in ${checkpoint}; the best model so far in ${out}`,
    );
    ctx.print(`continue with: fer train ... --out ${out} --resume`);
  } else ctx.print('cancelled before the first epoch ended; nothing was saved');
  return EXIT.cancelled;
}
