import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { setBatchNormTrainFused } from '../../../src/core/backend/wasm-batch-norm-train.ts';
import { setFilterGradMethod, setInputGradDirect } from '../../../src/core/backend/wasm-grad-kernels.ts';
import { setConvLayerUnfused } from '../../../src/core/backend/wasm-conv-layer.ts';
import { setFilterGradOptions } from '../../../src/core/backend/wasm-im2col-filter-grad.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { shardGradients, trainableVariables } from '../../../src/core/train/parallel/shard-gradients.ts';

/** Losses of a seeded small CNN over a few Adam steps on one fixed batch. */
function lossCurve(steps: number): number[] {
  const m = 8;
  const shard = {
    x: tf.randomUniform([m * 16 * 16], 0, 1, 'float32', 3).dataSync() as Float32Array,
    y: new Float32Array(m * 7),
    w: null,
    m,
  };
  for (let i = 0; i < m; i++) shard.y[i * 7 + (i % 7)] = 1;
  const model = buildCnn([16, 16, 1], 7, { stages: [[4], [8, 8]], dropout: 0, seed: 5 });
  const vars = trainableVariables(model);
  const opt = tf.train.adam(1e-2);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { grads, stats } = shardGradients(model, vars, [16, 16, 1], 7, 'categorical', shard);
    opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
    tf.dispose(grads);
    losses.push(stats.loss);
  }
  model.dispose();
  opt.dispose();
  return losses;
}

describe('the wasm training levers keep training equivalent', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });
  afterAll(() => {
    setFilterGradMethod('im2col');
    setBatchNormTrainFused(true);
  });

  it('gives the same loss curve with the im2col filter gradient and fused batch norm as with the stock-style kernels', () => {
    setFilterGradMethod('conv');
    setBatchNormTrainFused(false);
    const before = lossCurve(8);
    setFilterGradMethod('im2col');
    setBatchNormTrainFused(true);
    const after = lossCurve(8);
    // Float tolerance (measured: under 1e-7 apart). Training moves: the curve is not flat, so a lever that broke the gradient would show.
    expect(before[7]).toBeLessThan(before[0] * 0.8);
    for (let i = 0; i < before.length; i++)
      expect(Math.abs(after[i] - before[i]) / before[i], `step ${i + 1}`).toBeLessThan(1e-5);
  });
  it('gives the same loss curve with the convolution-gradient levers (plain conv op, direct input gradient, chunked channel-major im2col) as without', () => {
    const set = (on: boolean) => {
      setConvLayerUnfused(on);
      setInputGradDirect(on);
      setFilterGradOptions(on ? { layout: 'cm', chunkFloats: 1 << 20 } : { layout: 'nhwc', chunkFloats: 0 });
    };
    try {
      set(false);
      const before = lossCurve(8);
      set(true);
      // Tiny chunks too, so that the 16x16 model's products are cut into several.
      setFilterGradOptions({ chunkFloats: 4096 });
      const after = lossCurve(8);
      expect(before[7]).toBeLessThan(before[0] * 0.8);
      for (let i = 0; i < before.length; i++)
        expect(Math.abs(after[i] - before[i]) / before[i], `step ${i + 1}`).toBeLessThan(1e-5);
    } finally {
      set(true);
    }
  });
});
