import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { applyCounted, onWasmAndCpu } from './backend-compare.ts';

// The BiLSTM's sequence reversal (axis 0), a filter flip (axes 0, 1), inner and mixed axes, negative axes.
const cases: { shape: number[]; axes: number[] }[] = [
  { shape: [5, 3, 4], axes: [0] },
  { shape: [3, 3, 2, 4], axes: [0, 1] },
  { shape: [2, 3, 4], axes: [2] },
  { shape: [2, 3, 4, 5], axes: [0, 2] },
  { shape: [4, 6], axes: [-1, 0] },
  { shape: [7], axes: [0] },
];

describe('wasm Reverse', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each(cases)('matches the cpu backend exactly: shape=$shape axes=$axes', async (c) => {
    const v = Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
    const { wasm, cpu } = await onWasmAndCpu(() => applyCounted(v, c.shape, (x) => tf.reverse(x, c.axes)));
    expect(wasm.shape).toEqual(cpu.shape);
    expect(wasm.values).toEqual(cpu.values);
    expect(wasm.leaked).toBe(0);
  });

  it('and its gradient, through the BiLSTM-style reversal', async () => {
    const v = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i));
    const { wasm, cpu } = await onWasmAndCpu(() =>
      Array.from(
        tf
          .grad((x: tf.Tensor) => tf.sum(tf.mul(tf.reverse(x, 0), tf.range(0, 24).reshape([4, 6]))))(
            tf.tensor(v, [4, 6]),
          )
          .dataSync(),
      ),
    );
    expect(wasm).toEqual(cpu);
  });
});
