/**
 * Direct access to tensors that live in the wasm backend's heap, for kernels
 * FER Studio writes in plain JavaScript. V8 runs a tight loop over a
 * Float32Array faster than several stock wasm kernels run theirs (they index
 * through generic N-d loops or transpose first), and reading the heap in place
 * avoids a copy each way.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-composite.ts';

export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/**
 * A fresh float32 output and views of the inputs. The output is allocated
 * first because allocation can grow (and so detach) the wasm memory that
 * earlier views point into.
 */
export function heapViews(
  args: KernelArgs,
  inputs: TensorInfo[],
  outShape: number[],
): { out: TensorInfo; outView: Float32Array; views: Float32Array[] } {
  const backend = args.backend as WasmHeapBackend;
  const out = backend.makeOutput(outShape, 'float32');
  const outView = backend.typedArrayFromHeap(out);
  return { out, outView, views: inputs.map((t) => backend.typedArrayFromHeap(t)) };
}

const overridden = new Set<string>();

/**
 * Replaces a stock wasm kernel by `fast`, which returns null for the cases it
 * does not handle; those go to the stock kernel, whose setupFunc still binds
 * its wasm export when the backend starts. Idempotent per kernel name; call
 * before setBackend('wasm').
 */
export function overrideWasmKernel(
  kernelName: string,
  fast: (args: KernelArgs) => TensorInfo | TensorInfo[] | null,
): boolean {
  if (overridden.has(kernelName)) return true;
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) return false;
  overridden.add(kernelName);
  const kernelFunc = ((args: KernelArgs) =>
    fast(args) ?? stock.kernelFunc(args as Parameters<KernelFunc>[0])) as KernelFunc;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...(stock as KernelConfig), kernelFunc });
  return true;
}
