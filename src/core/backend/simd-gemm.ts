/**
 * FER Studio's matrix kernel (simd-gemm-wat.ts), instantiated on the tfjs wasm backend's own
 * memory so it reads and writes tensors in place. Null where the engine lacks relaxed SIMD
 * (callers then keep XNNPACK's kernels).
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { wasmApi, type WasmMemory } from '../wasm-api.ts';
import type { WasmHeapBackend } from './wasm-heap.ts';
import { SIMD_GEMM_BASE64 } from './simd-gemm-binary.ts';

/** See simd-gemm-wat.ts for the meaning of each argument; addresses in bytes, strides in floats. */
export type SimdGemm = (
  a: number,
  ars: number,
  aks: number,
  asg: number,
  segs: number,
  b: number,
  ldb: number,
  bps: number,
  c: number,
  ldc: number,
  m: number,
  n: number,
  k: number,
  acc: number,
) => void;

/** The tfjs wasm backend as the kernels that run this matrix kernel on its heap use it. */
export interface SimdBackend extends WasmHeapBackend {
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { asm: { memory: WasmMemory } };
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: SimdBackend, info: TensorInfo): number {
  return backend.dataIdMap.get(info.dataId).memoryOffset;
}

let module: object | null | undefined;
const instances = new WeakMap<WasmMemory, SimdGemm>();

/** The kernel bound to `memory`, or null where relaxed SIMD does not validate. */
export function simdGemmFor(memory: WasmMemory): SimdGemm | null {
  if (module === undefined) {
    const bytes = Uint8Array.from(atob(SIMD_GEMM_BASE64), (ch) => ch.charCodeAt(0));
    module = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  if (!module) return null;
  let gemm = instances.get(memory);
  if (!gemm) {
    const instance = new wasmApi!.Instance(module, { env: { memory } });
    gemm = instance.exports.gemm as SimdGemm;
    instances.set(memory, gemm);
  }
  return gemm;
}

/**
 * A [k, n] matrix B (stored [n, k] when `transposed`) from `from` at float `fromAt` into panels of 8
 * columns, [n/8][k][8], in `to` at `toAt`: the kernel then reads a panel row after row (ldb = 8,
 * bps = 8k) instead of 32 bytes from every row of B. Each loop reads its source in order.
 */
export function packPanels(
  from: Float32Array,
  fromAt: number,
  to: Float32Array,
  toAt: number,
  k: number,
  n: number,
  transposed = false,
): void {
  if (transposed) {
    for (let j = 0; j < n; j++) {
      const panel = toAt + (j >> 3) * k * 8 + (j & 7);
      for (let q = 0; q < k; q++) to[panel + q * 8] = from[fromAt + j * k + q];
    }
  } else {
    for (let q = 0; q < k; q++)
      for (let j = 0; j < n; j++) to[toAt + (j >> 3) * k * 8 + q * 8 + (j & 7)] = from[fromAt + q * n + j];
  }
}
