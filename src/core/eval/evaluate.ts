/** Evaluates a saved model on any dataset whose class names it knows. */
import { alignClasses } from '../dataset/class-names.ts';
import type { Dataset } from '../dataset/types.ts';
import { FerError } from '../errors.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { pixelsForModel, sourceForModel, supportsTta, ttaViews } from '../models/model-input.ts';
import type { TaskOptions } from '../task.ts';
import type { BatchSource } from '../train/batch-source.ts';
import { argmaxRows, predictAll } from '../train/infer.ts';
import { computeMetrics, type EvalReport } from './metrics.ts';

export interface EvaluateOptions extends TaskOptions {
  indices?: Uint32Array;
  /** Average the predictions over ttaViews(zoom) (test-time augmentation: the mirror image). */
  tta?: boolean;
  /** With `tta`: over ZOOM_TTA_VIEWS instead (adds a 1.1x centre zoom and its mirror). */
  zoom?: boolean;
  /** Images per forward pass (default 256). */
  batchSize?: number;
}

export async function evaluateModel(m: FerModel, ds: Dataset, opts: EvaluateOptions = {}): Promise<EvalReport & { tta: boolean; ttaViews: number }> {
  let map: number[];
  try {
    map = alignClasses(ds.classes, m.meta.classes);
  } catch (e) {
    throw new FerError(`the model does not know the dataset's classes (${(e as Error).message})`, { file: ds.source, kind: 'bad-input' });
  }
  const subset = opts.indices ? selectImages(ds, opts.indices) : ds;
  const labels = subset.labels.map((l) => map[l]);
  const probs = await predictProbs(m, pixelsForModel(m.meta, subset), labels, opts);
  const tta = !!opts.tta && supportsTta(m.meta);
  return { ...computeMetrics(argmaxRows(probs, m.meta.classes.length), labels, m.meta.classes), tta, ttaViews: tta ? ttaViews(opts.zoom).length : 1 };
}

/** Class probabilities for model-ready pixels, optionally averaged over the TTA views. */
export async function predictProbs(m: FerModel, pixels: Uint8Array, labels: Uint8Array, opts: EvaluateOptions = {}): Promise<Float32Array> {
  if (!opts.tta || !supportsTta(m.meta)) return predictAll(m.model, sourceForModel(m.meta, pixels, labels, m.pca), m.meta.inputShape, opts);
  const views = ttaViews(opts.zoom).map((view) => sourceForModel(m.meta, pixels, labels, m.pca, view));
  const probs = await predictAll(m.model, stackedViews(views), m.meta.inputShape, opts);
  const per = probs.length / views.length;
  const mean = new Float32Array(per);
  for (let v = 0; v < views.length; v++) for (let i = 0; i < per; i++) mean[i] += probs[v * per + i] / views.length;
  return mean;
}

/**
 * All views as one source, view after view, so a single face's views share one forward
 * pass (what `fer predict` and the app classify) and a dataset's share one progress bar.
 */
function stackedViews(views: BatchSource[]): BatchSource {
  const n = views[0].count;
  const size = views[0].featureSize;
  const labels = new Uint8Array(n * views.length);
  views.forEach((v, i) => labels.set(v.labels, i * n));
  return {
    count: labels.length, labels, featureSize: size,
    fill: (indices, out) => {
      for (let b = 0; b < indices.length; b++) views[Math.floor(indices[b] / n)].fill([indices[b] % n], out.subarray(b * size, (b + 1) * size), null);
    },
  };
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
