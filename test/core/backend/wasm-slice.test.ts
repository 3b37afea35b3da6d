import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { applyCounted, onWasmAndCpu } from './backend-compare.ts';

// Contiguous leading slices, a crop in the middle axes (conv padding), a last-axis cut (LSTM gates), -1 sizes, rank 1.
const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [6, 4, 3], begin: [2, 0, 0], size: [3, 4, 3] },
  { shape: [2, 7, 6, 3], begin: [0, 1, 2, 0], size: [2, 5, 3, 3] },
  { shape: [5, 16], begin: [0, 8], size: [5, 4] },
  { shape: [3, 4, 5], begin: [1, 1, 1], size: [-1, -1, -1] },
  { shape: [4, 5, 6], begin: [1, 2, 0], size: [2, 3, 6] },
  { shape: [9], begin: [3], size: [4] },
];

describe('wasm Slice', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each(cases)('matches the cpu backend exactly: shape=$shape begin=$begin size=$size', async (c) => {
    const v = Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
    const { wasm, cpu } = await onWasmAndCpu(() => applyCounted(v, c.shape, (x) => tf.slice(x, c.begin, c.size)));
    expect(wasm.shape).toEqual(cpu.shape);
    expect(wasm.values).toEqual(cpu.values);
    expect(wasm.leaked).toBe(0);
  });

  it('splits an LSTM gate tensor as the cpu backend does', async () => {
    const v = Float32Array.from({ length: 3 * 8 }, (_, i) => i * 0.5);
    const { wasm, cpu } = await onWasmAndCpu(() =>
      tf.split(tf.tensor(v, [3, 8]), 4, 1).map((t) => Array.from(t.dataSync())),
    );
    expect(wasm).toEqual(cpu);
  });
});
