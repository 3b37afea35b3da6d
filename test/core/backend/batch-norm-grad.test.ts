import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';

/** Batch norm written with elementary ops, whose stock gradients are the reference. */
function manualBatchNorm(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  offset: tf.Tensor,
  scale: tf.Tensor,
  eps: number,
): tf.Tensor {
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), scale), offset);
}

describe('FusedBatchNorm gradient without tile', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('matches the gradient of the elementary formula for every input', () => {
    const x = tf.randomNormal([3, 4, 5, 6], 0, 2, 'float32', 1);
    const mean = tf.randomNormal([6], 0, 1, 'float32', 2);
    const variance = tf.randomUniform([6], 0.5, 2, 'float32', 3);
    const offset = tf.randomNormal([6], 0, 1, 'float32', 4);
    const scale = tf.randomNormal([6], 1, 0.3, 'float32', 5);
    const dy = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 6);
    const args = [x, mean, variance, offset, scale];
    const f = (fn: (...t: tf.Tensor[]) => tf.Tensor) =>
      tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(fn(...t), dy)))(args);
    const fused = f((a, m, v, o, s) => tf.batchNorm(a, m, v, o, s, 1e-3));
    const manual = f((a, m, v, o, s) => manualBatchNorm(a, m, v, o, s, 1e-3));
    fused.forEach((g, i) => {
      const a = g.dataSync();
      const b = manual[i].dataSync();
      let worst = 0;
      for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]) / (1 + Math.abs(b[j])));
      expect(worst, `input ${i}`).toBeLessThan(1e-4);
    });
    tf.dispose([...args, dy, ...fused, ...manual]);
  });
});
