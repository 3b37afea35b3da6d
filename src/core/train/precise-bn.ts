/**
 * "Precise BN": re-estimates every batch-norm layer's moving mean and variance
 * from clean (un-augmented) training images with the current weights.
 * The moving averages (momentum 0.99, ~100 steps of memory) lag far behind
 * weights that move quickly at the start of training: measured on the CNN
 * after 2 epochs, PublicTest accuracy was 37 % with the moving statistics and
 * 50 % with batch statistics. Recalibrating after each epoch closes that gap.
 *
 * It is inference over a few thousand images on one thread, so the trainer lends it its
 * gradient workers (issue 17, lever 5): each computes the batch moments of a fixed block of
 * batches with the same weights and kernels, and the sums are taken in batch order as before,
 * so the statistics are the same with or without helpers (test/core/train/precise-bn-helpers.test.ts;
 * the time is measured by scripts/precise-bn-timing.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchSource } from '../input/batch-source.ts';
import { probeMoments } from './bn-input-moments.ts';

/** Another thread's batchMoments() of `n` examples in `x` (a buffer it may take), with the model's current weights. */
export type MomentsHelper = (x: Float32Array, n: number) => Promise<Float32Array[]>;

function batchNormLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
}

/** A model whose outputs are the inputs of `model`'s batch-norm layers; null when it has none. */
export function batchNormProbe(model: tf.LayersModel): tf.LayersModel | null {
  const bns = batchNormLayers(model);
  return bns.length ? tf.model({ inputs: model.inputs, outputs: bns.map((l) => l.input as tf.SymbolicTensor) }) : null;
}

/** Per batch-norm layer, the mean and the mean square of its input over `n` examples: [mean0, sq0, mean1, sq1, ...]. */
export function batchMoments(probe: tf.LayersModel, x: Float32Array, n: number, inputShape: number[]): Float32Array[] {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const stats = tf.tidy(() => {
    const input = tf.tensor(x.subarray(0, n * size), [n, ...inputShape]);
    // Training mode: upstream layers normalise with batch statistics, as during training.
    // Layer by layer (bn-input-moments.ts): a whole training-mode apply holds every activation.
    return probeMoments(probe, input);
  });
  const values = stats.map((t) => t.dataSync() as Float32Array);
  tf.dispose(stats);
  return values;
}

export async function recalibrateBatchNorm(
  model: tf.LayersModel,
  source: BatchSource,
  inputShape: number[],
  indices: ArrayLike<number>,
  batchSize = 128,
  helpers: readonly MomentsHelper[] = [],
): Promise<boolean> {
  const bns = batchNormLayers(model);
  const probe = batchNormProbe(model);
  if (!probe || !indices.length) return false;
  const sums = bns.map((l) => {
    const c = (l.input as tf.SymbolicTensor).shape.at(-1) as number;
    return { mean: new Float64Array(c), sq: new Float64Array(c) };
  });
  const batches = Math.ceil(indices.length / batchSize);
  const fill = (b: number, buf: Float32Array) => {
    const start = b * batchSize;
    const idx = Array.from({ length: Math.min(batchSize, indices.length - start) }, (_, i) => indices[start + i]);
    source.fill(idx, buf, null);
    return idx.length;
  };
  // Helper j takes the j-th block of batches, this thread the last (near-equal blocks, ours never larger).
  const parts = helpers.length + 1;
  const moments: (Float32Array[] | Promise<Float32Array[]>)[] = [];
  let b = 0;
  helpers.forEach((helper, j) => {
    for (const end = b + Math.floor(batches / parts) + (j < batches % parts ? 1 : 0); b < end; b++) {
      const buf = new Float32Array(batchSize * source.featureSize);
      moments.push(helper(buf, fill(b, buf)));
    }
  });
  const settled = Promise.all(moments);
  settled.catch(() => undefined); // awaited below; this only stops an unhandled rejection while ours run
  const buf = new Float32Array(batchSize * source.featureSize);
  for (; b < batches; b++) moments.push(batchMoments(probe, buf, fill(b, buf), inputShape));
  await settled;
  for (const m of moments) {
    const values = await m;
    sums.forEach((s, i) => {
      values[2 * i].forEach((v, c) => (s.mean[c] += v));
      values[2 * i + 1].forEach((v, c) => (s.sq[c] += v));
    });
  }
  bns.forEach((layer, i) => {
    const mean = Float32Array.from(sums[i].mean, (v) => v / batches);
    const variance = Float32Array.from(sums[i].sq, (v, c) => Math.max(0, v / batches - mean[c] * mean[c]));
    const weights = layer.getWeights();
    const names = layer.weights.map((w) => w.originalName ?? w.name);
    const replaced = weights.map((w, j) => {
      if (/moving_mean/.test(names[j])) return tf.tensor(mean, w.shape);
      if (/moving_variance/.test(names[j])) return tf.tensor(variance, w.shape);
      return w;
    });
    layer.setWeights(replaced);
    tf.dispose(replaced.filter((t, j) => t !== weights[j]));
  });
  return true;
}
