/**
 * BatchMatMul on FER Studio's relaxed-SIMD matrix kernel (simd-gemm.ts) where the output's columns
 * are a multiple of 8: the LSTM's input and recurrent products and their gradients, and the RNN's
 * dense layer. A transposed A costs nothing (the kernel takes A's strides); a transposed B, and a
 * B that many rows of A reuse, is first packed into panels of 8 columns, which the kernel then reads
 * row after row instead of 32 bytes from every row of B. bench/train.ts --ab simd-matmul measures
 * it per training step; scratch timings per shape decided the packing threshold.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { attr, type KernelArgs } from './wasm-composite.ts';
import { heapOffset, packPanels, simdGemmFor, type SimdBackend } from './simd-gemm.ts';

let enabled = true;

/** Switches this kernel on this thread (bench/train.ts --ab simd-matmul); on by default. */
export function setSimdMatMul(on: boolean): void {
  enabled = on;
}

/** Rows of A from which packing an untransposed B pays for its copy. */
const PACK_ROWS = 512;

/** The product, or null for what this file does not handle (the caller runs the XNNPACK path). */
export function simdBatchMatMul(args: KernelArgs): TensorInfo | null {
  const backend = args.backend as SimdBackend;
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  const gemm = enabled ? simdGemmFor(backend.wasm.asm.memory) : null;
  if (!gemm || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ta = attr<boolean>(args.attrs, 'transposeA');
  const tb = attr<boolean>(args.attrs, 'transposeB');
  const [batchA, a1, a2] = asBatch(a.shape);
  const [batchB, b1, b2] = asBatch(b.shape);
  // Leading dimensions must match (or one side have only 1s, repeated): the output keeps the larger
  // side's, and on a tie the longer one's, as tfjs broadcasts them.
  const big = batchA !== batchB ? (batchA > batchB ? a : b) : a.shape.length >= b.shape.length ? a : b;
  const lead = big.shape.slice(0, -2);
  const [m, k] = ta ? [a2, a1] : [a1, a2];
  const [kb, n] = tb ? [b2, b1] : [b1, b2];
  const batch = Math.max(batchA, batchB);
  const sameLead = a.shape.length === b.shape.length && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
  if (k !== kb || n % 8 !== 0 || n === 0 || k === 0 || !(sameLead || batchA === 1 || batchB === 1)) return null;
  const out = backend.makeOutput([...lead, m, n], 'float32');
  const pack = tb || m >= PACK_ROWS;
  const packed = pack ? backend.makeOutput([batchB, k, n], 'float32') : null;
  try {
    if (packed) {
      // Views after every allocation: allocating can grow (and so detach) the heap.
      const from = backend.typedArrayFromHeap(b);
      const to = backend.typedArrayFromHeap(packed);
      for (let p = 0; p < batchB; p++) packPanels(from, p * k * n, to, p * k * n, k, n, tb);
    }
    const a0 = heapOffset(backend, a);
    const b0 = heapOffset(backend, packed ?? b);
    const c0 = heapOffset(backend, out);
    for (let p = 0; p < batch; p++) {
      const ap = a0 + (batchA === 1 ? 0 : p * m * k * 4);
      const bp = b0 + (batchB === 1 ? 0 : p * k * n * 4);
      const [ars, aks] = ta ? [1, m] : [k, 1];
      const [ldb, bps] = packed ? [8, k * 8] : [n, 8];
      gemm(ap, ars, aks, 0, 1, bp, ldb, bps, c0 + p * m * n * 4, n, m, n, k, 0);
    }
  } finally {
    if (packed) backend.disposeData(packed.dataId);
  }
  return out;
}

/** [batch, rows, columns] of a tensor of rank 2 or more (the batch: the product of its leading dimensions). */
function asBatch(shape: number[]): [number, number, number] {
  const r = shape.length;
  return [shape.slice(0, -2).reduce((p, d) => p * d, 1), shape[r - 2], shape[r - 1]];
}
