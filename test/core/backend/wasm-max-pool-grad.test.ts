import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { maxRelDiff, onWasmAndCpu } from './backend-compare.ts';

type Case = { shape: [number, number, number, number]; size: number; stride: number; pad: 'valid' | 'same' };

// The CNN's 2x2/2 pooling (the unrolled path), odd sizes that leave a row out, and overlapping or padded windows (general path).
const cases: Case[] = [
  { shape: [2, 8, 6, 3], size: 2, stride: 2, pad: 'valid' },
  { shape: [1, 7, 5, 4], size: 2, stride: 2, pad: 'valid' },
  { shape: [2, 7, 5, 2], size: 2, stride: 2, pad: 'same' },
  { shape: [1, 6, 6, 3], size: 3, stride: 1, pad: 'same' },
  { shape: [2, 9, 7, 2], size: 3, stride: 2, pad: 'valid' },
];

function poolGrad(xv: Float32Array, c: Case): { dx: Float32Array; leaked: number } {
  const x = tf.tensor4d(xv, c.shape);
  const before = tf.memory().numTensors;
  // Weighting each output differently makes a gradient routed to the wrong pixel visible.
  const dx = tf.grad((t: tf.Tensor) => {
    const y = tf.maxPool(t as tf.Tensor4D, c.size, c.stride, c.pad);
    return tf.sum(tf.mul(y, tf.range(1, y.size + 1).reshape(y.shape)));
  })(x);
  const out = dx.dataSync() as Float32Array;
  dx.dispose();
  const leaked = tf.memory().numTensors - before;
  x.dispose();
  return { dx: out, leaked };
}

describe('wasm MaxPoolGrad', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each(cases)('matches the cpu backend: $shape window $size stride $stride $pad', async (c) => {
    const xv = tf.randomNormal(c.shape, 0, 1, 'float32', 11).dataSync() as Float32Array;
    const { wasm, cpu } = await onWasmAndCpu(() => poolGrad(xv, c));
    expect(maxRelDiff(wasm.dx, cpu.dx)).toBeLessThan(1e-6);
    expect(wasm.leaked).toBe(0);
  });

  it('routes a tied window to its first maximum, as the cpu backend (ReLU zeros tie all the time)', async () => {
    const xv = new Float32Array(2 * 4 * 4 * 2).map((_, i) => (i % 5 === 0 ? 1 : 0));
    const c: Case = { shape: [2, 4, 4, 2], size: 2, stride: 2, pad: 'valid' };
    const { wasm, cpu } = await onWasmAndCpu(() => poolGrad(xv, c));
    expect(Array.from(wasm.dx)).toEqual(Array.from(cpu.dx));
    expect(cpu.dx.filter((v) => v !== 0).length).toBe(2 * 2 * 2 * 2); // one pixel per window
  });

  it('matches the cpu backend on ReLU-like inputs with NaN and infinite windows (the branch-free path and its fallback)', async () => {
    const c: Case = { shape: [2, 6, 8, 5], size: 2, stride: 2, pad: 'valid' };
    const xv = (tf.randomNormal(c.shape, 0, 1, 'float32', 12).dataSync() as Float32Array).map((v) => Math.max(0, v));
    const special = [NaN, Infinity, -Infinity];
    for (let i = 0; i < 40; i++) xv[(i * 97) % xv.length] = special[i % 3];
    xv.fill(-Infinity, 0, 2 * 8 * 5); // whole windows of -Infinity: no pixel gets the gradient
    const { wasm, cpu } = await onWasmAndCpu(() => poolGrad(xv, c));
    expect(Array.from(wasm.dx)).toEqual(Array.from(cpu.dx));
  });
});
