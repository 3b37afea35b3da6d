/** Evaluates a saved model on any dataset whose class names it knows. */
import { alignClasses } from '../dataset/class-names.ts';
import type { Dataset } from '../dataset/types.ts';
import { FerError } from '../errors.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { pixelsForModel, supportsTta, ttaViews } from '../input/model-input.ts';
import { argmaxRows } from '../train/infer.ts';
import { computeMetrics, type EvalReport } from './metrics.ts';
import { predictProbsParallel, type ParallelOptions } from './parallel-probs.ts';

export { predictProbs, type EvaluateOptions } from './predict-probs.ts';

export type ModelEvaluation = EvalReport & { tta: boolean; ttaViews: number };

export async function evaluateModel(m: FerModel, ds: Dataset, opts: ParallelOptions = {}): Promise<ModelEvaluation> {
  return (await evaluateWithProbs(m, ds, opts)).report;
}

/**
 * The report plus what it was computed from: every image's class probabilities
 * (row-major, the model's class order) and its true class in that order. The
 * confusion gallery (gallery.ts) ranks images from these.
 */
export async function evaluateWithProbs(
  m: FerModel,
  ds: Dataset,
  opts: ParallelOptions = {},
): Promise<{ report: ModelEvaluation; probs: Float32Array; truth: Uint8Array }> {
  let map: number[];
  try {
    map = alignClasses(ds.classes, m.meta.classes);
  } catch (e) {
    throw new FerError(`the model does not know the dataset's classes (${(e as Error).message})`, {
      file: ds.source,
      kind: 'bad-input',
    });
  }
  const subset = opts.indices ? selectImages(ds, opts.indices) : ds;
  const labels = subset.labels.map((l) => map[l]);
  // On two threads when the caller asks for them and the classification helper is ready (the app; `fer eval` on a large set).
  const probs = await predictProbsParallel(m, pixelsForModel(m.meta, subset), labels, opts);
  const tta = !!opts.tta && supportsTta(m.meta);
  const report = {
    ...computeMetrics(argmaxRows(probs, m.meta.classes.length), labels, m.meta.classes),
    tta,
    ttaViews: tta ? ttaViews(opts.zoom).length : 1,
  };
  return { report, probs, truth: labels };
}

/** A view of `ds` restricted to `indices` (copies pixels; labels/splits follow). */
export function selectImages(ds: Dataset, indices: Uint32Array): Dataset {
  const per = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * per);
  indices.forEach((src, i) => images.set(ds.images.subarray(src * per, (src + 1) * per), i * per));
  return {
    ...ds,
    count: indices.length,
    images,
    labels: Uint8Array.from(indices, (i) => ds.labels[i]),
    split: ds.split ? Uint8Array.from(indices, (i) => ds.split![i]) : null,
  };
}
