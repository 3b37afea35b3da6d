/**
 * Conv2DBackpropFilter as im2col + XNNPACK matrix products. The transposed
 * forward convolution (conv2dFilterGrad in wasm-grad-kernels.ts) hands XNNPACK a
 * convolution whose kernel is the whole image and whose output is 3x3, a shape
 * it runs at well under half its forward speed (bench/train.ts --ab filter-grad
 * compares the two in one run).
 *
 * dW[kh,kw,ci,co] = sum_p cols[(kh*KW+kw)*Ci+ci, p] * dy[p, co], p = (n, oh, ow):
 * cols is the transposed im2col matrix of x [KH*KW*Ci, N*OH*OW], written in
 * JavaScript on the wasm heap, and dW = cols . dy is a plain (untransposed)
 * product, XNNPACK's fast path, whose [KH*KW*Ci, Co] result already is the
 * filter layout. With cols the other way round, XNNPACK packs (copies) the big
 * operand on every call, and the product ran about 2x slower.
 *
 * cols is written from a channel-major copy of x ([Ci, N, H, W], one blocked
 * JavaScript transpose; x itself when Ci = 1): for a stride-1 convolution whose output is
 * as wide as its input, each row of cols is then, per image, one contiguous
 * copy of x shifted by the kernel offset, plus a few zeroed borders, instead of
 * an element-by-element gather (im2colT, kept as the bench's comparison; both in
 * im2col.ts).
 * The batch is cut into chunks of images, one product each, summed in JavaScript:
 * cols stays small and in cache, and so does the slice of dy that XNNPACK packs
 * (copies) for each product; cols no longer needs batch-sized memory. This paid
 * on the 24x24 layers and broke even elsewhere; the first layer's product
 * ([9, N*H*W] x [N*H*W, Co], only 9 rows) stays slow at any chunk size.
 * scripts/conv-grad-bench.ts times the variants per layer shape, bench/train.ts
 * --ab filter-grad-layout (and scripts/conv-grad-ab.ts) per training step.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-composite.ts';
import type { WasmHeapBackend } from './wasm-heap.ts';
import { im2colT, im2colTChannelMajor, transposeRows } from './im2col.ts';

type ConvInfo = tf.backend_util.Conv2DInfo;

/** How the filter gradient builds its products (bench/train.ts --ab and scripts/conv-grad-bench.ts compare them). */
export interface FilterGradOptions {
  /** 'cm': im2col from a channel-major copy of x; 'nhwc': the strided gather from x itself. */
  layout: 'cm' | 'nhwc';
  /**
   * Images per product are chosen so that the cols chunk holds about this many floats (products summed
   * in JavaScript); 0: one product over the whole batch. Smaller products keep cols and the slice of dy
   * that XNNPACK packs in cache, and cols no longer needs batch-sized memory.
   */
  chunkFloats: number;
  /**
   * And so that the chunk's slice of dy ([images * OH*OW, Co], which XNNPACK packs) holds at most about
   * this many floats: the first layer's product has 9 rows, so its cols chunk is small while its dy is not.
   */
  chunkDyFloats: number;
}

const options: FilterGradOptions = { layout: 'cm', chunkFloats: 1 << 20, chunkDyFloats: 1 << 18 };

/** Sets filter-gradient options on this thread; for the bench's same-run comparisons and the tests. */
export function setFilterGradOptions(o: Partial<FilterGradOptions>): FilterGradOptions {
  const before = { ...options };
  Object.assign(options, o);
  return before;
}

interface Backend extends WasmHeapBackend {
  incRef(dataId: object): void;
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: 'float32', offset?: number, values?: Float32Array): TensorInfo;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number }; delete(dataId: object): boolean };
  wasm: { tfjs: { disposeData(id: number): void } };
}

/**
 * A tensor that views `shape` floats of the heap at byte `offset` (inside another tensor's storage).
 * It must be released with `release`, never disposed: disposing would free memory it does not own.
 * Each alias gets a fresh id, so XNNPACK's operator cache (keyed by the weights' id) never reuses one.
 */
function alias(backend: Backend, offset: number, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32', offset);
}

function release(backend: Backend, info: TensorInfo): void {
  const { id } = backend.dataIdMap.get(info.dataId);
  backend.wasm.tfjs.disposeData(id); // frees XNNPACK operators cached on it, not the memory
  backend.dataIdMap.delete(info.dataId);
}

/** The stock XNNPACK product a [M, K] . b [K, N] (a fresh [1, M, N] output). */
function matMul(backend: Backend, a: TensorInfo, b: TensorInfo): TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  if (!kernel) throw new Error('no BatchMatMul kernel on wasm');
  return kernel.kernelFunc({
    inputs: { a, b },
    backend: backend as never,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
}

/** dW on the wasm backend, or null when the input is not float32 (the caller falls back). */
export function im2colFilterGrad(args: KernelArgs, info: ConvInfo): TensorInfo | null {
  const xInfo = args.inputs.x as TensorInfo;
  const dyInfo = args.inputs.dy as TensorInfo;
  if (xInfo.dtype !== 'float32' || dyInfo.dtype !== 'float32') return null;
  const backend = args.backend as Backend;
  const n = info.batchSize;
  const q = info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const co = info.outChannels;
  const filterShape = [info.filterHeight, info.filterWidth, info.inChannels, co];
  const chunked = options.layout === 'cm' && options.chunkFloats > 0;
  const perChunk = Math.min(options.chunkFloats / (k * q), options.chunkDyFloats / (co * q));
  const nb = chunked ? Math.max(1, Math.min(n, Math.floor(perChunk))) : n;
  // Allocate before taking views: allocation can grow (and detach) the heap.
  const cm = options.layout === 'cm';
  // Channel-major x: with one channel it is x itself; else one cache-blocked transpose (x is small next to cols).
  const xTInfo =
    cm && info.inChannels > 1 ? backend.makeOutput([info.inChannels, n, info.inHeight, info.inWidth], 'float32') : null;
  const colsInfo = backend.makeOutput([k, nb * q], 'float32');
  if (xTInfo)
    transposeRows(
      backend.typedArrayFromHeap(xInfo),
      backend.typedArrayFromHeap(xTInfo),
      xInfo.shape.slice(0, 3).reduce((a, b) => a * b),
      info.inChannels,
    );
  const src = xTInfo ?? xInfo;
  const colsOffset = backend.dataIdMap.get(colsInfo.dataId).memoryOffset;
  const dyOffset = backend.dataIdMap.get(dyInfo.dataId).memoryOffset;
  const acc = nb < n ? new Float32Array(k * co) : null;
  let result: TensorInfo | null = null;
  try {
    for (let b0 = 0; b0 < n; b0 += nb) {
      const b1 = Math.min(n, b0 + nb);
      const pc = (b1 - b0) * q;
      const cols = backend.typedArrayFromHeap(colsInfo);
      if (cm) im2colTChannelMajor(backend.typedArrayFromHeap(src), cols, info, b0, b1);
      else im2colT(backend.typedArrayFromHeap(xInfo), cols, info);
      const a = pc === nb * q ? colsInfo : alias(backend, colsOffset, [k, pc]);
      const b = nb === n ? { ...dyInfo, shape: [pc, co] } : alias(backend, dyOffset + b0 * q * co * 4, [pc, co]);
      const out = matMul(backend, a, b);
      if (a !== colsInfo) release(backend, a);
      if (nb < n) release(backend, b);
      if (!acc) {
        result = { ...out, shape: filterShape };
        break;
      }
      const part = backend.typedArrayFromHeap(out);
      for (let i = 0; i < acc.length; i++) acc[i] += part[i];
      backend.disposeData(out.dataId);
    }
  } finally {
    backend.disposeData(colsInfo.dataId);
    if (xTInfo) backend.disposeData(xTInfo.dataId);
  }
  return result ?? backend.makeOutput(filterShape, 'float32', undefined, acc ?? undefined);
}
