/**
 * Identity on wasm shares the input's memory (one more reference) instead of copying it, as the
 * cpu backend and wasm's own Reshape do. tfjs calls it for tf.clone and for every tensor it saves
 * for a gradient (each saved input or output is cloned), so the stock kernel copied a full-size
 * activation for every batch norm, convolution and pooling layer of a training step. Sharing is
 * safe because tfjs tensors are immutable: every kernel writes a fresh output, and a Variable's
 * assign swaps its buffer rather than writing into it. scripts/ab-step.ts --lever identity-share
 * measures what it buys.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-composite.ts';
import { overrideWasmKernel } from './wasm-heap.ts';

let share = true;

/** Shared (default) or stock copying Identity on this thread. */
export function setWasmIdentityShared(on: boolean): void {
  share = on;
}

function sharedIdentity(args: KernelArgs): TensorInfo | null {
  const x = args.inputs.x as TensorInfo;
  if (!share || x.dtype === 'string' || x.dtype === 'complex64') return null;
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** Replaces Identity on wasm; call before setBackend('wasm'). */
export function registerWasmIdentity(): void {
  overrideWasmKernel('Identity', sharedIdentity);
}
