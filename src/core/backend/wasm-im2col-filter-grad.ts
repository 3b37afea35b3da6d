/**
 * Conv2DBackpropFilter as im2col + one XNNPACK matrix product. The transposed
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
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-composite.ts';
import type { WasmHeapBackend } from './wasm-heap.ts';

type ConvInfo = tf.backend_util.Conv2DInfo;

/** Writes the transposed im2col matrix of NHWC `x` into `cols` ([KH*KW*Ci, N*OH*OW], row-major); zeros where the window leaves the image. */
export function im2colT(x: Float32Array, cols: Float32Array, info: ConvInfo): void {
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: c,
    outHeight: oh,
    outWidth: ow,
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dw,
  } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const p = n * oh * ow;
  const step = sw * c;
  // Per kernel column j, the output columns whose input column lies inside the image: [s0[j], s1[j]).
  const s0 = new Int32Array(kw);
  const s1 = new Int32Array(kw);
  for (let j = 0; j < kw; j++) {
    const off = j * dw - left;
    s0[j] = Math.min(ow, Math.max(0, Math.ceil(-off / sw)));
    s1[j] = Math.max(s0[j], Math.min(ow, Math.floor((w - 1 - off) / sw) + 1));
  }
  // One output row at a time: the input rows it reads stay in cache while each of the
  // KH*KW*Ci destination rows gets a contiguous run of OW values.
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      const col = (b * oh + r) * ow;
      for (let i = 0; i < kh; i++) {
        const y = r * sh - top + i * dh;
        const inside = y >= 0 && y < h;
        for (let j = 0; j < kw; j++) {
          const a0 = s0[j],
            a1 = s1[j];
          const rowStart = ((b * h + y) * w + a0 * sw + j * dw - left) * c;
          let d = (i * kw + j) * c * p + col;
          for (let k = 0; k < c; k++, d += p) {
            if (!inside) {
              cols.fill(0, d, d + ow);
              continue;
            }
            for (let s = 0; s < a0; s++) cols[d + s] = 0;
            for (let s = a1; s < ow; s++) cols[d + s] = 0;
            let src = rowStart + k;
            for (let s = a0; s < a1; s++, src += step) cols[d + s] = x[src];
          }
        }
      }
    }
  }
}

/** dW on the wasm backend, or null when the input is not float32 (the caller falls back). */
export function im2colFilterGrad(args: KernelArgs, info: ConvInfo): TensorInfo | null {
  const xInfo = args.inputs.x as TensorInfo;
  const dyInfo = args.inputs.dy as TensorInfo;
  if (xInfo.dtype !== 'float32' || dyInfo.dtype !== 'float32') return null;
  const backend = args.backend as WasmHeapBackend & {
    incRef(dataId: object): void;
    makeOutput(shape: number[], dtype: 'float32', offset?: number, values?: Float32Array): TensorInfo;
  };
  const p = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  // Allocate before taking views: allocation can grow (and detach) the heap.
  const colsInfo = backend.makeOutput([k, p], 'float32');
  im2colT(backend.typedArrayFromHeap(xInfo), backend.typedArrayFromHeap(colsInfo), info);
  // The wrapper owns the fresh cols buffer (disposing it frees it); dy gets an extra reference, released with its wrapper.
  const cols = tf.engine().makeTensorFromTensorInfo(colsInfo) as tf.Tensor2D;
  backend.incRef(dyInfo.dataId);
  const dy = tf.engine().makeTensorFromTensorInfo(dyInfo);
  try {
    const dw = tf.tidy(() => {
      const dw2d = tf.matMul(cols, tf.reshape(dy, [p, info.outChannels]));
      return tf.reshape(dw2d, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
    });
    // Copied out as runComposite does (dW is small: KH*KW*Ci*Co floats).
    const out = backend.makeOutput(dw.shape.slice(), 'float32', undefined, dw.dataSync() as Float32Array);
    dw.dispose();
    return out;
  } finally {
    cols.dispose();
    dy.dispose();
  }
}
