/**
 * The end of `fer train`: where the model is, and honest numbers next to the
 * reference application's own. Its "accuracy" was the last epoch's training
 * accuracy (binary accuracy for its LSTM, which scores 6/7 = 85.7 % without
 * learning anything); we show that beside accuracy on images never trained on.
 */
import type { EpochRecord } from '../core/models/types.ts';
import { sourceForModel } from '../core/input/model-input.ts';
import type { PreprocessResult } from '../core/preprocess/preprocess-result.ts';
import { accuracyOf, argmaxRows, predictAll } from '../core/train/infer.ts';
import type { TrainResult } from '../core/train/trainer.ts';
import type { CliContext } from './context.ts';
import { percent } from './progress-bar.ts';

export interface HeldOut {
  split: 'validation' | 'test';
  n: number;
  accuracy: number;
  /** Which model: the one after the last epoch (the reference's metric is about that one too). */
  model: 'last-epoch';
}

/** Accuracy of the last epoch's model on the test split (or the validation split when there is no test split). */
export async function heldOutAccuracy(
  result: TrainResult,
  pre: PreprocessResult,
  validationSplit: 'validation' | 'test' | null,
  signal: AbortSignal,
): Promise<HeldOut | null> {
  if (pre.test.count > 0) {
    const pca = result.meta.preprocessing.pca ? pre.pca : null;
    const source = sourceForModel(result.meta, pre.test.images, pre.test.labels, pca);
    const probs = await predictAll(result.model, source, result.meta.inputShape, { signal });
    return {
      split: 'test',
      n: pre.test.count,
      accuracy: accuracyOf(argmaxRows(probs, pre.classes.length), pre.test.labels),
      model: 'last-epoch',
    };
  }
  const last = result.meta.history.at(-1);
  if (!validationSplit || !last || last.valAccuracy === null) return null;
  return { split: validationSplit, n: pre[validationSplit].count, accuracy: last.valAccuracy, model: 'last-epoch' };
}

export interface TrainSummary {
  type: 'done';
  out: string;
  checkpoint: string;
  backend: string;
  kind: string;
  preset: 'default' | 'paper';
  epochs: number;
  seconds: number;
  /** Validation accuracy of the saved (best-by-validation) model, and its epoch. */
  bestValAccuracy: number | null;
  bestEpoch: number | null;
  validationSplit: 'validation' | 'test' | null;
  lastEpoch: EpochRecord | null;
  heldOut: HeldOut | null;
  chance: number;
  /** Paper preset only: the reference application's own metric for the same model. */
  reference?: { metric: string; trainAccuracy: number; binaryAccuracy?: number };
}

export function printSummary(ctx: CliContext, s: TrainSummary): void {
  ctx.print(
    `saved: ${s.out}  (best validation epoch ${s.bestEpoch ?? '-'}: ${percent(s.bestValAccuracy)} on the ${s.validationSplit ?? '-'} split)`,
  );
  ctx.print(`checkpoint of the last epoch: ${s.checkpoint}  (continue with --resume --out ${s.out})`);
  const last = s.lastEpoch;
  if (!last) return;
  const held = s.heldOut
    ? `${percent(s.heldOut.accuracy)} on the ${s.heldOut.split} split (${s.heldOut.n} images not trained on)`
    : 'no held-out images';
  if (s.reference) {
    ctx.print('');
    ctx.print(`paper preset, same model (after epoch ${last.epoch}):`);
    ctx.print(`  reference application's metric: training accuracy ${percent(s.reference.trainAccuracy)}`);
    if (s.reference.binaryAccuracy !== undefined) {
      ctx.print(
        `  reference application's metric: Keras binary accuracy ${percent(s.reference.binaryAccuracy)}  (a model that predicts nothing scores ${percent(1 - s.chance)})`,
      );
    }
    ctx.print(`  honest metric: held-out accuracy ${held}; chance ${percent(s.chance)}`);
    return;
  }
  ctx.print(
    `last epoch ${last.epoch}: training accuracy ${percent(last.accuracy)}; held-out accuracy ${held}; chance ${percent(s.chance)}`,
  );
}
