/**
 * Stride-1 convolutions (forward, input gradient, filter gradient) on FER Studio's relaxed-SIMD
 * matrix kernel (simd-gemm.ts) instead of XNNPACK: bench/gemm.ts times both per layer shape,
 * bench/train.ts --ab simd-conv per training step.
 *
 * No im2col: with the input zero-padded once, the KW*Ci values a 3x3 window reads from one
 * input row are contiguous, and the windows of neighbouring output pixels overlap with a stride
 * of Ci floats. So one output row of the convolution is one call of the kernel whose A has row
 * stride Ci and KH segments (one per kernel row, Wp*Ci floats apart), and whose B is the filter
 * as stored ([KH*KW*Ci, Co]). The input gradient is the same forward convolution of the padded dy
 * with the filter turned 180 degrees and its channels swapped; the filter gradient is the
 * transposed product, A(r = kw*Ci + ci, t = ow) read down the padded input with stride Ci,
 * summed over output rows (the kernel's segments) and images (its accumulate flag).
 *
 * Handles float32, channels-last, dilation 1, stride 1 and output channels a multiple of 8 (the
 * kernel's tile width): every convolution of the app's CNN and RNN. Anything else returns null and
 * runs on the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { attr, type KernelArgs } from './wasm-composite.ts';
import { overrideWasmKernel } from './wasm-heap.ts';
import { heapOffset, packPanels, simdGemmFor, type SimdBackend, type SimdGemm } from './simd-gemm.ts';

type ConvInfo = tf.backend_util.Conv2DInfo;

let enabled = true;

/** Switches these kernels on this thread (bench/train.ts --ab simd-conv); on by default. */
export function setSimdConv(on: boolean): void {
  enabled = on;
}

function gemmOf(backend: SimdBackend): SimdGemm | null {
  return enabled ? simdGemmFor(backend.wasm.asm.memory) : null;
}

/** The cases this file handles; see the file comment. */
function supported(info: ConvInfo, inputs: TensorInfo[], outChannels: number): boolean {
  return (
    inputs.every((t) => t.dtype === 'float32') &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top >= 0 &&
    info.padInfo.left >= 0 &&
    outChannels % 8 === 0
  );
}

/**
 * `src` [N, H, W, C] into a new zero-bordered [N, H+top+bottom, W+left+right, C] tensor. Rows
 * are copied whole (TypedArray.set, a memcpy); the borders are filled with zeros.
 */
function padded(
  backend: SimdBackend,
  src: TensorInfo,
  pads: { top: number; bottom: number; left: number; right: number },
): { info: TensorInfo; hp: number; wp: number } {
  const [n, h, w, c] = src.shape;
  const hp = h + pads.top + pads.bottom;
  const wp = w + pads.left + pads.right;
  if (hp === h && wp === w) return { info: src, hp, wp };
  const info = backend.makeOutput([n, hp, wp, c], 'float32');
  const to = backend.typedArrayFromHeap(info); // views after the allocation, which can move the heap
  const from = backend.typedArrayFromHeap(src);
  const rowIn = w * c;
  const rowOut = wp * c;
  for (let b = 0; b < n; b++) {
    const base = b * hp * rowOut;
    to.fill(0, base, base + pads.top * rowOut);
    for (let y = 0; y < h; y++) {
      const o = base + (y + pads.top) * rowOut;
      to.fill(0, o, o + pads.left * c);
      to.set(from.subarray((b * h + y) * rowIn, (b * h + y + 1) * rowIn), o + pads.left * c);
      to.fill(0, o + (pads.left + w) * c, o + rowOut);
    }
    to.fill(0, base + (pads.top + h) * rowOut, base + hp * rowOut);
  }
  return { info, hp, wp };
}

/**
 * out[n, oy, ox, co] = sum over ky, kx, ci of xp[n, oy+ky, ox+kx, ci] * f[ky, kx, ci, co], where xp
 * is already padded ([n, hp, wp, ci]) and `f` is the byte offset of a [kh, kw, ci, co] filter packed by packPanels.
 */
function forwardRows(
  gemm: SimdGemm,
  xp: number,
  f: number,
  out: number,
  shape: { n: number; hp: number; wp: number; ci: number; kh: number; kw: number; oh: number; ow: number; co: number },
): void {
  const { n, hp, wp, ci, kh, kw, oh, ow, co } = shape;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const a = xp + (b * hp + y) * wp * ci * 4;
      const c = out + (b * oh + y) * ow * co * 4;
      gemm(a, ci, 1, wp * ci, kh, f, 8, kh * kw * ci * 8, c, co, ow, co, kw * ci, 0);
    }
  }
}

/** Conv2D forward; null when the stock kernel should run. */
export function simdConv2D(args: KernelArgs): TensorInfo | null {
  const backend = args.backend as SimdBackend;
  const gemm = gemmOf(backend);
  const x = args.inputs.x as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  if (!gemm || x.shape.length !== 4 || attr<string>(args.attrs, 'dataFormat') === 'NCHW') return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attr(args.attrs, 'strides'),
    attr(args.attrs, 'dilations'),
    attr(args.attrs, 'pad'),
    attr(args.attrs, 'dimRoundingMode'),
  );
  if (!supported(info, [x, filter], info.outChannels)) return null;
  const out = backend.makeOutput(info.outShape, 'float32');
  const packed = backend.makeOutput(filter.shape, 'float32');
  const xp = padded(backend, x, info.padInfo);
  try {
    const k = info.filterHeight * info.filterWidth * info.inChannels;
    packPanels(backend.typedArrayFromHeap(filter), 0, backend.typedArrayFromHeap(packed), 0, k, info.outChannels);
    forwardRows(gemm, heapOffset(backend, xp.info), heapOffset(backend, packed), heapOffset(backend, out), {
      n: info.batchSize,
      hp: xp.hp,
      wp: xp.wp,
      ci: info.inChannels,
      kh: info.filterHeight,
      kw: info.filterWidth,
      oh: info.outHeight,
      ow: info.outWidth,
      co: info.outChannels,
    });
  } finally {
    if (xp.info !== x) backend.disposeData(xp.info.dataId);
    backend.disposeData(packed.dataId);
  }
  return out;
}

/** Conv2DBackpropInput: the forward convolution of dy, padded by k-1-pad, with the flipped, channel-swapped filter. */
export function simdConv2DInputGrad(args: KernelArgs): TensorInfo | null {
  const backend = args.backend as SimdBackend;
  const gemm = gemmOf(backend);
  const dy = args.inputs.dy as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  const inputShape = attr<[number, number, number, number]>(args.attrs, 'inputShape');
  if (!gemm || attr<string>(args.attrs, 'dataFormat') === 'NCHW') return null;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    attr(args.attrs, 'strides'),
    1,
    attr(args.attrs, 'pad'),
    attr(args.attrs, 'dimRoundingMode'),
  );
  if (!supported(info, [dy, filter], info.inChannels)) return null;
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const { top, left } = info.padInfo;
  const pads = {
    top: kh - 1 - top,
    left: kw - 1 - left,
    bottom: info.inHeight + kh - 1 - (kh - 1 - top) - info.outHeight,
    right: info.inWidth + kw - 1 - (kw - 1 - left) - info.outWidth,
  };
  if (pads.top < 0 || pads.left < 0 || pads.bottom < 0 || pads.right < 0) return null;
  const out = backend.makeOutput(inputShape, 'float32');
  const flipped = backend.makeOutput([kh, kw, co, ci], 'float32');
  const dyp = padded(backend, dy, pads);
  try {
    // The flipped filter [kh, kw, co, ci] (row q = (y*kw + x)*co + o), written straight into
    // packPanels' layout: panels of 8 of its ci columns.
    const f = backend.typedArrayFromHeap(filter);
    const g = backend.typedArrayFromHeap(flipped);
    const rows = kh * kw * co;
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++) {
        const from = ((kh - 1 - y) * kw + (kw - 1 - x)) * ci * co;
        for (let o = 0; o < co; o++) {
          const q = (y * kw + x) * co + o;
          for (let i = 0; i < ci; i++) g[(i >> 3) * rows * 8 + q * 8 + (i & 7)] = f[from + i * co + o];
        }
      }
    forwardRows(gemm, heapOffset(backend, dyp.info), heapOffset(backend, flipped), heapOffset(backend, out), {
      n: info.batchSize,
      hp: dyp.hp,
      wp: dyp.wp,
      ci: co,
      kh,
      kw,
      oh: info.inHeight,
      ow: info.inWidth,
      co: ci,
    });
  } finally {
    if (dyp.info !== dy) backend.disposeData(dyp.info.dataId);
    backend.disposeData(flipped.dataId);
  }
  return out;
}

/**
 * Output rows summed per kernel call in the filter gradient: the call streams rowsPerCall*OW
 * positions of the padded input and of dy, kept small enough to stay in the first-level cache
 * (bench/gemm.ts --rows compares values).
 */
let filterGradRows = 4;

/** Sets the rows per filter-gradient call on this thread (bench/gemm.ts). */
export function setSimdFilterGradRows(rows: number): void {
  filterGradRows = Math.max(1, Math.floor(rows));
}

/** Conv2DBackpropFilter: dW[ky, kx*Ci+ci, co] = sum over n, oy, ox of xp[n, oy+ky, ox+kx, ci] * dy[n, oy, ox, co]. */
export function simdConv2DFilterGrad(args: KernelArgs, info: ConvInfo): TensorInfo | null {
  const backend = args.backend as SimdBackend;
  const gemm = gemmOf(backend);
  const x = args.inputs.x as TensorInfo;
  const dy = args.inputs.dy as TensorInfo;
  if (!gemm || !supported(info, [x, dy], info.outChannels)) return null;
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow } = info;
  const out = backend.makeOutput([kh, kw, ci, co], 'float32');
  const xp = padded(backend, x, info.padInfo);
  try {
    const a0 = heapOffset(backend, xp.info);
    const dy0 = heapOffset(backend, dy);
    const out0 = heapOffset(backend, out);
    const { hp, wp } = xp;
    for (let b = 0; b < info.batchSize; b++) {
      for (let y = 0; y < oh; y += filterGradRows) {
        const rows = Math.min(filterGradRows, oh - y);
        const first = b === 0 && y === 0 ? 0 : 1;
        const dyAt = dy0 + (b * oh + y) * ow * co * 4;
        for (let ky = 0; ky < kh; ky++) {
          const a = a0 + (b * hp + y + ky) * wp * ci * 4;
          gemm(a, 1, ci, wp * ci, rows, dyAt, co, 8, out0 + ky * kw * ci * co * 4, co, kw * ci, co, ow, first);
        }
      }
    }
  } finally {
    if (xp.info !== x) backend.disposeData(xp.info.dataId);
  }
  return out;
}

/** Runs Conv2D on wasm through simdConv2D where it applies; idempotent; call before setBackend('wasm'). The gradients are wired in wasm-grad-kernels.ts. */
export function registerWasmSimdConv(): void {
  overrideWasmKernel('Conv2D', simdConv2D);
}
