/** Batched forward passes over a BatchSource (validation, evaluation). */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled } from '../errors.ts';
import { foldedPredict } from '../models/folded-forward.ts';
import { onnxInferenceConfig } from '../onnx/inference-config.ts';
import { onnxClassifierFor } from '../onnx/onnx-classifier.ts';
import type { TaskOptions } from '../task.ts';
import type { BatchSource } from '../input/batch-source.ts';

export interface PredictAllOptions extends TaskOptions {
  /** Images per forward pass (default: 64 on ONNX Runtime, 256 on tfjs). */
  batchSize?: number;
  /** The model's folder, where its ONNX export is cached (onnx-cache.ts); without it the export stays in memory. */
  modelDir?: string | null;
}

/**
 * Softmax outputs [count x classes] for every example of `source`, in order: on ONNX Runtime
 * where it loads (onnx/onnx-classifier.ts; bench/eval.ts measures it against tfjs and PyTorch),
 * else tfjs with batch norm folded into the convolutions. A runtime that fails mid-way costs
 * time, never the answer: tfjs does the remaining batches.
 */
export async function predictAll(
  model: tf.LayersModel,
  source: BatchSource,
  inputShape: number[],
  opts: PredictAllOptions = {},
): Promise<Float32Array> {
  let onnx = await onnxClassifierFor(model, opts.modelDir ?? null);
  const batch = opts.batchSize ?? (onnx ? onnxInferenceConfig().batchSize : 256);
  const classes = (model.outputs[0].shape[1] as number) ?? 7;
  const out = new Float32Array(source.count * classes);
  const buf = new Float32Array(batch * source.featureSize);
  for (let start = 0; start < source.count; start += batch) {
    throwIfCancelled(opts.signal);
    const n = Math.min(batch, source.count - start);
    const idx = Array.from({ length: n }, (_, i) => start + i);
    source.fill(idx, buf, null);
    const x = buf.subarray(0, n * source.featureSize);
    const viaOnnx = onnx ? await onnx.run(x, n, inputShape).catch(() => null) : null;
    if (viaOnnx) out.set(viaOnnx, start * classes);
    else {
      onnx = null;
      const probs = tf.tidy(() => foldedPredict(model, tf.tensor(x, [n, ...inputShape])));
      out.set(await probs.data(), start * classes);
      probs.dispose();
    }
    opts.onProgress?.({ stage: 'predict', fraction: (start + n) / source.count });
  }
  return out;
}

export function argmaxRows(probs: Float32Array, classes: number): Uint8Array {
  const n = probs.length / classes;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    out[i] = best;
  }
  return out;
}

export function accuracyOf(pred: Uint8Array, labels: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
  return pred.length ? ok / pred.length : 0;
}
