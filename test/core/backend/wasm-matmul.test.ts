import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { maxRelDiff, onWasmAndCpu } from './backend-compare.ts';

type Case = { a: number[]; b: number[]; ta: boolean; tb: boolean };

// Shapes as the dense and LSTM backward passes ask for them, plus batched 3-D products.
// Both ways of computing A.B^T are covered: transposing B, or (B.A^T)^T when B is the big operand.
const cases: Case[] = [
  { a: [5, 7], b: [7, 3], ta: false, tb: false },
  { a: [5, 7], b: [3, 7], ta: false, tb: true },
  { a: [7, 5], b: [7, 3], ta: true, tb: false },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [2, 4, 6], b: [2, 5, 6], ta: false, tb: true },
  { a: [2, 6, 4], b: [2, 6, 5], ta: true, tb: false },
  { a: [1, 64], b: [512, 64], ta: false, tb: true },
  // B much bigger than A and the output: computed as (B.A^T)^T, batched too.
  { a: [3, 2, 6], b: [3, 9, 6], ta: false, tb: true },
];

function product(av: Float32Array, bv: Float32Array, c: Case): { out: Float32Array; shape: number[]; leaked: number } {
  const a = tf.tensor(av, c.a);
  const b = tf.tensor(bv, c.b);
  const before = tf.memory().numTensors;
  const r = tf.matMul(a, b, c.ta, c.tb);
  const out = { out: r.dataSync() as Float32Array, shape: r.shape };
  r.dispose();
  const leaked = tf.memory().numTensors - before;
  tf.dispose([a, b]);
  return { ...out, leaked };
}

describe('wasm BatchMatMul with transposed operands', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each(cases)('matches the cpu backend: a=$a b=$b ta=$ta tb=$tb', async (c) => {
    const av = tf.randomNormal(c.a, 0, 1, 'float32', 3).dataSync() as Float32Array;
    const bv = tf.randomNormal(c.b, 0, 1, 'float32', 5).dataSync() as Float32Array;
    const { wasm, cpu } = await onWasmAndCpu(() => product(av, bv, c));
    expect(wasm.shape).toEqual(cpu.shape);
    expect(maxRelDiff(wasm.out, cpu.out)).toBeLessThan(1e-5);
    expect(wasm.leaked).toBe(0);
  });

  it('dense-layer gradients on wasm match the cpu backend', async () => {
    const xv = tf.randomNormal([8, 12], 0, 1, 'float32', 1).dataSync() as Float32Array;
    const wv = tf.randomNormal([12, 4], 0, 1, 'float32', 2).dataSync() as Float32Array;
    const grads = () => {
      const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.matMul(x, w).square().sum())([
        tf.tensor(xv, [8, 12]),
        tf.tensor(wv, [12, 4]),
      ]);
      return [dx.dataSync(), dw.dataSync()] as Float32Array[];
    };
    const { wasm, cpu } = await onWasmAndCpu(grads);
    for (let k = 0; k < 2; k++) for (let i = 0; i < cpu[k].length; i++) expect(wasm[k][i]).toBeCloseTo(cpu[k][i], 3);
  });
});
