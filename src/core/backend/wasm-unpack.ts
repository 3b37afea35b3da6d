/**
 * Unpack (tf.unstack) in JavaScript, on wasm. The LSTM unstacks its whole
 * input sequence into timesteps; the stock kernel calls the stock slice once
 * per piece, and each call first copies the *whole* input out of the heap, so
 * a [12, 64, 768] sequence was copied 12 times (profiled: about 4 % of an RNN
 * step). Here each piece is one strided copy, heap to heap.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { attr, type KernelArgs } from './wasm-composite.ts';
import { overrideWasmKernel, type WasmHeapBackend } from './wasm-heap.ts';
import { sliceInto } from './wasm-slice.ts';

function unpackKernel(args: KernelArgs): TensorInfo[] | null {
  const x = args.inputs.value as TensorInfo;
  if (x.dtype !== 'float32' || x.shape.length === 0) return null;
  const rank = x.shape.length;
  const axis = (attr<number>(args.attrs, 'axis') + rank) % rank;
  const count = x.shape[axis];
  const piece = x.shape.filter((_, i) => i !== axis);
  if (count === 0 || piece.some((d) => d === 0)) return null;
  const backend = args.backend as WasmHeapBackend;
  // Every output first: allocating can grow (and detach) the heap that views point into.
  const outs = Array.from({ length: count }, () => backend.makeOutput(piece, 'float32'));
  const src = backend.typedArrayFromHeap(x);
  const size = x.shape.slice();
  size[axis] = 1;
  const begin = new Array<number>(rank).fill(0);
  outs.forEach((out, i) => {
    begin[axis] = i;
    sliceInto(src, backend.typedArrayFromHeap(out), x.shape, begin, size);
  });
  return outs;
}

/** Replaces Unpack on wasm (float32, non-empty); call before setBackend('wasm'). */
export function registerWasmUnpack(): void {
  overrideWasmKernel('Unpack', unpackKernel);
}
