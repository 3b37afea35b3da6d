import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { contiguousSplit } from '../../../src/core/backend/wasm-mean.ts';
import { applyCounted, maxRelDiff, onWasmAndCpu } from './backend-compare.ts';

type Case = { shape: number[]; axis: number[]; keepDims: boolean };

// Batch norm's reductions (leading axes), global pooling's (middle axes), a last-axis one and a non-contiguous one (stock path).
const cases: Case[] = [
  { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: false },
  { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: true },
  { shape: [2, 7, 3, 5], axis: [1, 2], keepDims: false },
  { shape: [6, 9], axis: [1], keepDims: true },
  { shape: [3, 4, 5], axis: [0, 2], keepDims: false },
  { shape: [1000, 3], axis: [0], keepDims: false },
];

describe('wasm Mean over contiguous axes', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it('splits a shape around a run of axes, and refuses gaps', () => {
    expect(contiguousSplit([4, 5, 6, 3], [0, 1, 2])).toEqual([1, 120, 3]);
    expect(contiguousSplit([2, 7, 3, 5], [2, 1])).toEqual([2, 21, 5]);
    expect(contiguousSplit([3, 4, 5], [0, 2])).toBeNull();
    expect(contiguousSplit([3, 4, 5], [])).toBeNull();
  });

  it.each(cases)('matches the cpu backend: shape=$shape axis=$axis keepDims=$keepDims', async (c) => {
    const v = tf.randomNormal(c.shape, 1, 2, 'float32', 7).dataSync() as Float32Array;
    const { wasm, cpu } = await onWasmAndCpu(() => applyCounted(v, c.shape, (x) => tf.mean(x, c.axis, c.keepDims)));
    expect(wasm.shape).toEqual(cpu.shape);
    expect(maxRelDiff(wasm.values, cpu.values)).toBeLessThan(1e-5);
    expect(wasm.leaked).toBe(0);
  });

  it('leaves sums exact: counting 0/1 values over a batch-norm-sized axis gives a whole number', async () => {
    const ones = new Float32Array(64 * 48 * 48).map((_, i) => (i % 3 === 0 ? 1 : 0));
    const { wasm, cpu } = await onWasmAndCpu(() => tf.sum(tf.tensor(ones, [64, 48, 48, 1]), [0, 1, 2]).dataSync()[0]);
    expect(wasm).toBe(cpu);
    expect(wasm).toBe(ones.filter((v) => v === 1).length);
  });
});
