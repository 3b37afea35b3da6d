import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { setConvLayerUnfused } from '../../../src/core/backend/wasm-conv-layer.ts';
import { maxRelDiff, onWasmAndCpu } from './backend-compare.ts';

/** Reshape -> conv (bias) -> relu -> conv (relu, no bias) -> dense: the first conv's input is the data, the second's is not. */
function buildModel(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.reshape({ inputShape: [6, 7], targetShape: [6, 7, 1] }));
  // Linear with a bias: the stock layer runs the fused op, whose gradient computes dx eagerly.
  m.add(
    tf.layers.conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
      biasInitializer: tf.initializers.randomNormal({ seed: 4 }),
    }),
  );
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(
    tf.layers.conv2d({
      filters: 3,
      kernelSize: [2, 3],
      strides: [2, 1],
      padding: 'valid',
      activation: 'relu',
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: 2 }),
    }),
  );
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return m;
}

/** Training-mode output and the gradients of a loss with respect to every weight. */
function step(): { y: Float32Array; grads: Float32Array[] } {
  const model = buildModel();
  const x = tf.randomNormal([3, 6, 7], 0, 1, 'float32', 9);
  let y: Float32Array = new Float32Array();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => {
    const out = model.apply(x, { training: true }) as tf.Tensor;
    y = out.dataSync() as Float32Array;
    return tf.sum(tf.square(out)) as tf.Scalar;
  }, vars);
  const out = { y, grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
  tf.dispose(Object.values(grads));
  tf.dispose(x);
  model.dispose();
  return out;
}

async function kernelsOf(fn: () => void): Promise<string[]> {
  const info = await tf.profile(fn);
  return info.kernels.map((k) => k.name);
}

describe('Conv2D layers train with the plain conv2d op on wasm', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });
  afterAll(() => setConvLayerUnfused(true));

  it('gives the same training output and weight gradients as the cpu backend (stock layer)', async () => {
    setConvLayerUnfused(true);
    const { wasm, cpu } = await onWasmAndCpu(step);
    expect(maxRelDiff(wasm.y, cpu.y)).toBeLessThan(1e-5);
    expect(wasm.grads.length).toBe(5);
    for (let i = 0; i < cpu.grads.length; i++)
      expect(maxRelDiff(wasm.grads[i], cpu.grads[i]), `weight ${i}`).toBeLessThan(1e-4);
  });

  it('gives the same results with the lever off (stock fused path) and does not leak tensors', () => {
    // Building a layers model itself leaves a tensor behind (stock tfjs-layers), so compare with the stock path's count.
    setConvLayerUnfused(false);
    let before = tf.memory().numTensors;
    const off = step();
    const leftByStock = tf.memory().numTensors - before;
    setConvLayerUnfused(true);
    before = tf.memory().numTensors;
    const on = step();
    expect(tf.memory().numTensors - before).toBe(leftByStock);
    expect(maxRelDiff(on.y, off.y)).toBeLessThan(1e-6);
    for (let i = 0; i < on.grads.length; i++) expect(maxRelDiff(on.grads[i], off.grads[i])).toBeLessThan(1e-5);
  });

  it('skips the input gradient of the conv whose input is the data, and only that one', async () => {
    setConvLayerUnfused(true);
    const on = await kernelsOf(() => void step());
    setConvLayerUnfused(false);
    const off = await kernelsOf(() => void step());
    setConvLayerUnfused(true);
    const count = (ks: string[]) => ks.filter((k) => k === 'Conv2DBackpropInput').length;
    expect(count(off)).toBe(2);
    expect(count(on)).toBe(1);
    expect(on.filter((k) => k === 'Conv2DBackpropFilter').length).toBe(2);
  });

  it('leaves inference (training not set) on the stock fused kernel', async () => {
    const model = buildModel();
    const x = tf.randomNormal([2, 6, 7], 0, 1, 'float32', 4);
    const ks = await kernelsOf(() => void tf.dispose(model.predict(x) as tf.Tensor));
    expect(ks.filter((k) => k === 'FusedConv2D').length).toBe(2);
    expect(ks).not.toContain('Conv2D');
    tf.dispose(x);
    model.dispose();
  });
});
