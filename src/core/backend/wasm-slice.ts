/**
 * Slice in JavaScript, on wasm. The stock kernel starts by reading the whole
 * input out of the heap into a fresh copy (`readSync`), whatever the size of
 * the slice, then copies again element by element. Here the slice is a series
 * of copies of its innermost contiguous runs, straight from heap to heap.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { attr, type KernelArgs } from './wasm-composite.ts';
import { heapViews, overrideWasmKernel } from './wasm-heap.ts';

/** Copies the box [begin, begin + size) of an array of `shape` into `out` (row-major). */
export function sliceInto(x: Float32Array, out: Float32Array, shape: number[], begin: number[], size: number[]): void {
  const rank = shape.length;
  // Trailing axes taken whole merge into one contiguous run with the last partial axis.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) inner--;
  const strides = tf.util.computeStrides(shape);
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const innerStride = inner < rank - 1 ? strides[inner] : 1;
  const outerDims = size.slice(0, inner);
  const count = outerDims.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(inner).fill(0);
  for (let o = 0; o < count; o++) {
    let src = begin[inner] * innerStride;
    for (let d = 0; d < inner; d++) src += (begin[d] + idx[d]) * strides[d];
    out.set(x.subarray(src, src + run), o * run);
    for (let d = inner - 1; d >= 0 && ++idx[d] === outerDims[d]; d--) idx[d] = 0;
  }
}

function sliceKernel(args: KernelArgs): TensorInfo | null {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype !== 'float32' || x.shape.length === 0) return null;
  const [begin, size] = tf.slice_util.parseSliceParams(x, attr(args.attrs, 'begin'), attr(args.attrs, 'size'));
  if (size.some((s) => s === 0)) return null;
  const { out, outView, views } = heapViews(args, [x], size);
  sliceInto(views[0], outView, x.shape, begin, size);
  return out;
}

/** Replaces Slice on wasm (float32, non-empty); call before setBackend('wasm'). */
export function registerWasmSlice(): void {
  overrideWasmKernel('Slice', sliceKernel);
}
