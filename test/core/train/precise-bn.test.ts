import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { featureSource } from '../../../src/core/input/batch-source.ts';
import { recalibrateBatchNorm } from '../../../src/core/train/precise-bn.ts';

describe('recalibrateBatchNorm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('sets moving mean/variance to the statistics of the layer input over the given examples', async () => {
    const model = tf.sequential();
    model.add(
      tf.layers.dense({ inputShape: [5], units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
    );
    model.add(tf.layers.batchNormalization());
    const n = 300;
    const features = tf.randomNormal([n, 5], 2, 3, 'float32', 9).dataSync() as Float32Array;
    const source = featureSource(features, new Uint8Array(n), 5);
    const before = tf.memory().numTensors;
    // Three batches (128, 128, 44) of the first 300 rows.
    expect(
      await recalibrateBatchNorm(
        model,
        source,
        [5],
        Array.from({ length: n }, (_, i) => i),
        128,
      ),
    ).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const dense = tf.tidy(() => model.layers[0].apply(tf.tensor2d(features, [n, 5])) as tf.Tensor);
    const bn = model.layers[1].getWeights();
    const mean = bn[2].dataSync();
    const variance = bn[3].dataSync();
    // Batch means are averaged per batch (as during training), so compare with the
    // per-batch average, not the pooled mean; the two differ only through batch sizes.
    const batches = [
      [0, 128],
      [128, 256],
      [256, 300],
    ].map(([a, b]) => tf.tidy(() => tf.mean(dense.slice([a, 0], [b - a, 3]), 0).dataSync()));
    for (let c = 0; c < 3; c++) {
      expect(mean[c]).toBeCloseTo(batches.reduce((s, m) => s + m[c], 0) / 3, 4);
      expect(variance[c]).toBeGreaterThan(0);
    }
    const { variance: pooled } = tf.moments(dense, 0);
    pooled.dataSync().forEach((v, c) => expect(variance[c]).toBeCloseTo(v, 0));
    tf.dispose([dense, pooled]);
    model.dispose();
  });

  it('does nothing to a model without batch norm', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
    expect(
      await recalibrateBatchNorm(model, featureSource(new Float32Array(4), new Uint8Array(2), 2), [2], [0, 1]),
    ).toBe(false);
    model.dispose();
  });
});
