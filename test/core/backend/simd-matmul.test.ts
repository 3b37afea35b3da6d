import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { setSimdMatMul, simdBatchMatMul } from '../../../src/core/backend/wasm-simd-matmul.ts';
import { maxRelDiff, onWasmAndCpu } from './backend-compare.ts';

type Case = { a: number[]; b: number[]; ta: boolean; tb: boolean };

// Every transpose, batches (equal and broadcast), the LSTM's shapes, and an A tall enough that B is packed.
const cases: Case[] = [
  { a: [1, 13, 9], b: [1, 9, 16], ta: false, tb: false },
  { a: [1, 9, 13], b: [1, 9, 24], ta: true, tb: false },
  { a: [1, 13, 9], b: [1, 16, 9], ta: false, tb: true },
  { a: [1, 9, 13], b: [1, 8, 9], ta: true, tb: true },
  { a: [3, 7, 5], b: [3, 5, 8], ta: false, tb: false },
  { a: [1, 7, 5], b: [2, 8, 5], ta: false, tb: true },
  { a: [2, 5, 7], b: [1, 5, 16], ta: true, tb: false },
  { a: [1, 64, 128], b: [1, 128, 512], ta: false, tb: false },
  { a: [1, 600, 33], b: [1, 33, 40], ta: false, tb: false },
  // What tfjs hands the kernel: rank 2 (every product in training), and more leading dimensions.
  { a: [64, 128], b: [128, 512], ta: false, tb: false },
  { a: [600, 33], b: [40, 33], ta: false, tb: true },
  { a: [2, 3, 4, 5], b: [2, 3, 5, 8], ta: false, tb: false },
  { a: [1, 4, 5], b: [1, 1, 5, 8], ta: false, tb: false },
];

function values(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/** The product on the active backend, and the tensors it left behind. */
function product(c: Case): { values: Float32Array; shape: number[]; leaked: number } {
  const a = values(c.a, 1);
  const b = values(c.b, 2);
  // Engine tensors and backend buffers (the kernel allocates a packed copy outside the engine).
  const live = () => tf.memory().numTensors + (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  const before = live();
  const y = tf.matMul(a, b, c.ta, c.tb);
  const out = y.dataSync() as Float32Array;
  const shape = y.shape;
  y.dispose();
  const leaked = live() - before;
  tf.dispose([a, b]);
  return { values: out, shape, leaked };
}

/** Whether the relaxed-SIMD kernel itself takes the case (rather than the XNNPACK path after it). */
function takes(c: Case): boolean {
  const a = values(c.a, 1);
  const b = values(c.b, 2);
  const out = simdBatchMatMul({
    inputs: { a: a as TensorInfo, b: b as TensorInfo },
    backend: tf.backend(),
    attrs: { transposeA: c.ta, transposeB: c.tb },
  });
  if (out) (tf.backend() as tf.KernelBackend).disposeData(out.dataId);
  tf.dispose([a, b]);
  return out !== null;
}

describe('BatchMatMul on the relaxed-SIMD kernel', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each(cases)('matches the cpu backend: a $a b $b transposeA $ta transposeB $tb', async (c) => {
    expect(takes(c)).toBe(true);
    const { wasm, cpu } = await onWasmAndCpu(() => product(c));
    expect(wasm.shape).toEqual(cpu.shape);
    expect(maxRelDiff(wasm.values, cpu.values)).toBeLessThan(1e-5);
    expect(wasm.leaked).toBe(0);
  });

  it('leaves output columns off the tile width (a 7-class head) to the XNNPACK path, with the same answer', async () => {
    const c: Case = { a: [1, 64, 256], b: [1, 256, 7], ta: false, tb: false };
    expect(takes(c)).toBe(false);
    const { wasm, cpu } = await onWasmAndCpu(() => product(c));
    expect(maxRelDiff(wasm.values, cpu.values)).toBeLessThan(1e-5);
  });

  it('can be switched off, for the bench', () => {
    setSimdMatMul(false);
    expect(takes(cases[0])).toBe(false);
    setSimdMatMul(true);
    expect(takes(cases[0])).toBe(true);
  });
});
