/**
 * Exact column sums and Gram matrix X^T X of uint8 data (n x d, a subset of
 * columns), with the WebAssembly SIMD kernel of int-gram-kernel.ts.
 *
 * Rows are taken 4,096 at a time and transposed to int16; the kernel then
 * runs over all of them for a panel of 64 columns, whose rows (512 KB) stay in
 * the core's L2 cache while every row above the panel streams past them. Each
 * int32 output entry is thus read and written once per chunk: with tiles of
 * 256 samples (before) that traffic, 8 passes over a 21 MB matrix per 2,048
 * rows, made the pass ~30 % slower on FER2013 (measured, one thread).
 * int32 sums are exact while fewer than 32,768 rows are added
 * (255^2 * 32768 < 2^31); they are flushed to float64 before that.
 */
import { throwIfCancelled } from '../errors.ts';
import type { TaskOptions } from '../task.ts';
import { intGramModuleBytes } from './int-gram-kernel.ts';
import { wasmApi, type WasmMemory } from '../wasm-api.ts';

type GramFn = (
  xt: number,
  rowBytes: number,
  steps: number,
  off0: number,
  out: number,
  outStride: number,
  bStart: number,
  bEnd: number,
) => void;

const CHUNK = 4096;
const TILE_STEPS = CHUNK / 8; // x 8 samples: the whole chunk
const PANEL = 64;
const FLUSH_ROWS = 32768;

let compiled: object | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable. */
function kernelModule(): object | null {
  if (compiled === undefined) {
    const bytes = intGramModuleBytes();
    compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  return compiled;
}

function inOrder(): ChunkClaim {
  let next = 0;
  return () => next++;
}

export function intGramAvailable(): boolean {
  return kernelModule() !== null;
}

export interface IntGram {
  /** Column sums (m). */
  sums: Float64Array;
  /** sum_i x_ia * x_ib, m x m, symmetric. */
  gram: Float64Array;
}

/** Rows per chunk: the unit int-gram-threads.ts hands out to its threads. */
export const GRAM_CHUNK_ROWS = CHUNK;

/**
 * Returns the index of the next chunk (of GRAM_CHUNK_ROWS rows) to sum; indices at or past
 * the last chunk end the pass. Default: every chunk in order.
 */
export type ChunkClaim = () => number;

export async function intGram(
  data: Uint8Array,
  n: number,
  d: number,
  features: Int32Array,
  task: TaskOptions = {},
  claim: ChunkClaim = inOrder(),
): Promise<IntGram> {
  const mod = kernelModule();
  if (!mod || !wasmApi) throw new Error('WebAssembly SIMD is not available');
  const m = features.length;
  const m4 = Math.ceil(m / 4) * 4;
  const rowBytes = CHUNK * 2;
  const outOffset = m4 * rowBytes;
  const instance = new wasmApi.Instance(mod, {});
  const memory = instance.exports.memory as WasmMemory;
  const gram = instance.exports.gram as GramFn;
  memory.grow(Math.ceil((outOffset + m4 * m4 * 4) / 65536));
  const xt = new Int16Array(memory.buffer, 0, m4 * CHUNK);
  const out = new Int32Array(memory.buffer, outOffset, m4 * m4);
  const sums = new Float64Array(m);
  const total = new Float64Array(m * m);
  let pending = 0;
  for (let c = claim(); c * CHUNK < n; c = claim()) {
    throwIfCancelled(task.signal);
    const i0 = c * CHUNK;
    const r = Math.min(CHUNK, n - i0);
    if (pending + r > FLUSH_ROWS) {
      flush(out, total, m, m4);
      pending = 0;
    }
    transposeChunk(data, d, features, i0, r, xt, sums);
    const steps = Math.ceil(r / 8);
    for (let s0 = 0; s0 < steps; s0 += TILE_STEPS) {
      for (let b0 = 0; b0 < m4; b0 += PANEL)
        gram(0, rowBytes, Math.min(TILE_STEPS, steps - s0), s0 * 16, outOffset, m4 * 4, b0, Math.min(m4, b0 + PANEL));
    }
    pending += r;
    task.onProgress?.({ stage: 'pca', fraction: (i0 + r) / n, message: 'covariance matrix' });
    await new Promise((resolve) => setImmediate(resolve));
  }
  flush(out, total, m, m4);
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) total[b * m + a] = total[a * m + b];
  return { sums, gram: total };
}

/** xt[f][t] = data[i0 + t][features[f]] as int16, zero beyond r; adds to the column sums. */
function transposeChunk(
  data: Uint8Array,
  d: number,
  features: Int32Array,
  i0: number,
  r: number,
  xt: Int16Array,
  sums: Float64Array,
): void {
  const m = features.length;
  const B = 32;
  for (let t0 = 0; t0 < r; t0 += B) {
    const t1 = Math.min(r, t0 + B);
    for (let f0 = 0; f0 < m; f0 += B) {
      const f1 = Math.min(m, f0 + B);
      for (let t = t0; t < t1; t++) {
        const row = (i0 + t) * d;
        for (let f = f0; f < f1; f++) xt[f * CHUNK + t] = data[row + features[f]];
      }
    }
  }
  if (r < CHUNK) for (let f = 0; f < m; f++) xt.fill(0, f * CHUNK + r, (f + 1) * CHUNK);
  for (let f = 0; f < m; f++) {
    let s = 0;
    for (let t = 0; t < r; t++) s += xt[f * CHUNK + t];
    sums[f] += s;
  }
}

/** Adds the int32 upper triangle into the float64 total and clears it. */
function flush(out: Int32Array, total: Float64Array, m: number, m4: number): void {
  for (let a = 0; a < m; a++) {
    const src = a * m4;
    const dst = a * m;
    for (let b = a; b < m; b++) total[dst + b] += out[src + b];
  }
  out.fill(0);
}
