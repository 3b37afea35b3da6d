/** Evaluates a saved model on any dataset whose class names it knows. */
import { alignClasses } from '../dataset/class-names.ts';
import type { Dataset } from '../dataset/types.ts';
import { FerError } from '../errors.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { pixelsForModel, sourceForModel, supportsTta } from '../models/model-input.ts';
import type { TaskOptions } from '../task.ts';
import { argmaxRows, predictAll } from '../train/infer.ts';
import { computeMetrics, type EvalReport } from './metrics.ts';

export interface EvaluateOptions extends TaskOptions {
  indices?: Uint32Array;
  /** Average the predictions for each image and its mirror image (test-time augmentation). */
  tta?: boolean;
}

export async function evaluateModel(m: FerModel, ds: Dataset, opts: EvaluateOptions = {}): Promise<EvalReport & { tta: boolean }> {
  let map: number[];
  try {
    map = alignClasses(ds.classes, m.meta.classes);
  } catch (e) {
    throw new FerError(`the model does not know the dataset's classes (${(e as Error).message})`, { file: ds.source, kind: 'bad-input' });
  }
  const subset = opts.indices ? selectImages(ds, opts.indices) : ds;
  const labels = subset.labels.map((l) => map[l]);
  const probs = await predictProbs(m, pixelsForModel(m.meta, subset), labels, opts);
  return { ...computeMetrics(argmaxRows(probs, m.meta.classes.length), labels, m.meta.classes), tta: !!opts.tta && supportsTta(m.meta) };
}

/** Class probabilities for model-ready pixels, with optional mirror averaging. */
export async function predictProbs(m: FerModel, pixels: Uint8Array, labels: Uint8Array, opts: EvaluateOptions = {}): Promise<Float32Array> {
  const probs = await predictAll(m.model, sourceForModel(m.meta, pixels, labels, m.pca), m.meta.inputShape, opts);
  if (!opts.tta || !supportsTta(m.meta)) return probs;
  const mirrored = await predictAll(m.model, sourceForModel(m.meta, pixels, labels, m.pca, true), m.meta.inputShape, opts);
  for (let i = 0; i < probs.length; i++) probs[i] = (probs[i] + mirrored[i]) / 2;
  return probs;
}

/** A view of `ds` restricted to `indices` (copies pixels; labels/splits follow). */
export function selectImages(ds: Dataset, indices: Uint32Array): Dataset {
  const per = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * per);
  indices.forEach((src, i) => images.set(ds.images.subarray(src * per, (src + 1) * per), i * per));
  return {
    ...ds, count: indices.length, images,
    labels: Uint8Array.from(indices, (i) => ds.labels[i]),
    split: ds.split ? Uint8Array.from(indices, (i) => ds.split![i]) : null,
  };
}
