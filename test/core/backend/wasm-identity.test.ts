import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { setWasmIdentityShared } from '../../../src/core/backend/wasm-identity.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';

/** A small CNN's gradients for one batch, as arrays. */
function cnnGradients(): Float32Array[] {
  const model = buildCnn([8, 8, 1], 3, { stages: [[4], [6]], dropout: 0, seed: 4 });
  const grads = tf.tidy(() => {
    const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 5);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const { value, grads: g } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    );
    value.dispose();
    return Object.values(g).map((t) => t.dataSync() as Float32Array);
  });
  model.dispose();
  return grads;
}

describe('wasm Identity shares memory', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });
  afterAll(() => setWasmIdentityShared(true));

  it('clones without a new buffer, and either tensor outlives the other', () => {
    const before = tf.memory();
    const x = tf.tensor([1, -2, 3.5, 4], [2, 2]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3.5, 4]);
    expect(y.shape).toEqual([2, 2]);
    const z = tf.clone(y);
    y.dispose();
    const w = tf.add(z, 1);
    expect(Array.from(w.dataSync())).toEqual([2, -1, 4.5, 5]);
    tf.dispose([z, w]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('frees the buffer once the last sharer is disposed', () => {
    const buffers = tf.memory().numDataBuffers;
    const x = tf.tensor([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers + 1);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers);
  });

  it('copies when switched off (the stock kernel)', () => {
    setWasmIdentityShared(false);
    const x = tf.tensor([1, 2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers + 1);
    tf.dispose([x, y]);
    setWasmIdentityShared(true);
  });

  it('leaves a training step bit-identical and leaks nothing', () => {
    setWasmIdentityShared(false);
    const copied = cnnGradients();
    setWasmIdentityShared(true);
    const before = tf.memory().numTensors;
    const shared = cnnGradients();
    expect(tf.memory().numTensors).toBe(before);
    expect(shared.map((g) => Array.from(g))).toEqual(copied.map((g) => Array.from(g)));
  });
});
