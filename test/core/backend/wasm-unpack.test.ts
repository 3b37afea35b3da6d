import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { onWasmAndCpu } from './backend-compare.ts';

beforeAll(async () => {
  expect(await initBackend('wasm')).toBe('wasm');
});

describe('wasm Unpack (unstack): the LSTM splitting its sequence into timesteps', () => {
  it.each([
    { shape: [12, 3, 5], axis: 0 },
    { shape: [4, 6, 2], axis: 1 },
    { shape: [3, 2, 4], axis: -1 },
  ])('matches the cpu backend exactly: shape=$shape axis=$axis', async (c) => {
    const v = Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
    const { wasm, cpu } = await onWasmAndCpu(() => {
      const x = tf.tensor(v, c.shape);
      const before = tf.memory().numTensors;
      const parts = tf.unstack(x, c.axis);
      const out = parts.map((p) => ({ values: Array.from(p.dataSync()), shape: p.shape }));
      tf.dispose(parts);
      const leaked = tf.memory().numTensors - before;
      x.dispose();
      return { out, leaked };
    });
    expect(wasm.out).toEqual(cpu.out);
    expect(wasm.leaked).toBe(0);
  });
});
