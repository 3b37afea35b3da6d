/**
 * Class probabilities for model-ready pixels on this thread, optionally averaged
 * over test-time views (evaluate.ts re-exports it; parallel-probs.ts shares the
 * work with a helper thread).
 */
import type { FerModel } from '../model-io/load-fer-model.ts';
import { sourceForModel, supportsTta, ttaViews } from '../input/model-input.ts';
import type { TaskOptions } from '../task.ts';
import type { BatchSource } from '../input/batch-source.ts';
import { predictAll } from '../train/infer.ts';

export interface EvaluateOptions extends TaskOptions {
  indices?: Uint32Array;
  /** Average the predictions over ttaViews(zoom) (test-time augmentation: the mirror image). */
  tta?: boolean;
  /** With `tta`: over ZOOM_TTA_VIEWS instead (adds a 1.1x centre zoom and its mirror). */
  zoom?: boolean;
  /** Images per forward pass (default 256). */
  batchSize?: number;
}

/** Class probabilities for model-ready pixels, optionally averaged over the TTA views. */
export async function predictProbs(
  m: FerModel,
  pixels: Uint8Array,
  labels: Uint8Array,
  opts: EvaluateOptions = {},
): Promise<Float32Array> {
  const run = { ...opts, modelDir: m.dir }; // the ONNX export is cached beside the model's files
  if (!opts.tta || !supportsTta(m.meta))
    return predictAll(m.model, sourceForModel(m.meta, pixels, labels, m.pca), m.meta.inputShape, run);
  const views = ttaViews(opts.zoom).map((view) => sourceForModel(m.meta, pixels, labels, m.pca, view));
  const probs = await predictAll(m.model, stackedViews(views), m.meta.inputShape, run);
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
    count: labels.length,
    labels,
    featureSize: size,
    fill: (indices, out) => {
      for (let b = 0; b < indices.length; b++)
        views[Math.floor(indices[b] / n)].fill([indices[b] % n], out.subarray(b * size, (b + 1) * size), null);
    },
  };
}
