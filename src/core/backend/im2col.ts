/**
 * The im2col matrices the filter gradient (wasm-im2col-filter-grad.ts) multiplies, written in
 * JavaScript on plain Float32Arrays (views of the wasm heap there): the transposed im2col matrix
 * [KH*KW*Ci, N*OH*OW] from NHWC x by an element gather, or from a channel-major copy of x by
 * contiguous copies, and the blocked transpose that makes that copy. scripts/conv-grad-bench.ts
 * times them inside the kernel.
 */
import type * as tf from '@tensorflow/tfjs';

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

/**
 * Writes the transposed im2col rows of images [b0, b1) into `cols` ([KH*KW*Ci, (b1-b0)*OH*OW], row-major)
 * from x in channel-major layout ([Ci, N, H, W]): each destination row then reads one contiguous input
 * row per output row (stride 1), and writes one contiguous run per image, instead of a strided gather.
 */
export function im2colTChannelMajor(
  xT: Float32Array,
  cols: Float32Array,
  info: ConvInfo,
  b0: number,
  b1: number,
): void {
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
  const q = oh * ow;
  const pc = (b1 - b0) * q;
  const contiguous = sh === 1 && sw === 1 && ow === w;
  for (let j = 0; j < kw; j++) {
    const off = j * dw - left;
    // Output columns whose input column lies inside the image: [a0, a1).
    const a0 = Math.min(ow, Math.max(0, Math.ceil(-off / sw)));
    const a1 = Math.max(a0, Math.min(ow, Math.floor((w - 1 - off) / sw) + 1));
    for (let i = 0; i < kh; i++) {
      for (let k = 0; k < c; k++) {
        let d = ((i * kw + j) * c + k) * pc;
        if (contiguous) {
          // One image's valid rows are one contiguous run in xT and in cols (shifted by `off`): one native copy,
          // then the columns and rows that fall outside the image are zeroed.
          const r0 = Math.min(oh, Math.max(0, top - i * dh));
          const r1 = Math.max(r0, Math.min(oh, h + top - i * dh));
          for (let b = b0; b < b1; b++, d += q) {
            let src = (k * n + b) * h * w + (r0 + i * dh - top) * w + off;
            let dst = d + r0 * ow;
            let end = src + (r1 - r0) * ow;
            // Elements before/after xT only land in columns zeroed below.
            if (src < 0) {
              dst -= src;
              src = 0;
            }
            if (end > xT.length) end = xT.length;
            if (end > src) cols.set(xT.subarray(src, end), dst);
            cols.fill(0, d, d + r0 * ow);
            cols.fill(0, d + r1 * ow, d + q);
            for (let r = r0, e = d + r0 * ow; r < r1; r++, e += ow) {
              for (let s = 0; s < a0; s++) cols[e + s] = 0;
              for (let s = a1; s < ow; s++) cols[e + s] = 0;
            }
          }
          continue;
        }
        for (let b = b0; b < b1; b++) {
          const img = (k * n + b) * h * w + off;
          for (let r = 0; r < oh; r++, d += ow) {
            const y = r * sh + i * dh - top;
            if (y < 0 || y >= h) {
              for (let s = 0; s < ow; s++) cols[d + s] = 0;
              continue;
            }
            for (let s = 0; s < a0; s++) cols[d + s] = 0;
            for (let s = a1; s < ow; s++) cols[d + s] = 0;
            const src = img + y * w;
            if (sw === 1) for (let s = a0; s < a1; s++) cols[d + s] = xT[src + s];
            else for (let s = a0; s < a1; s++) cols[d + s] = xT[src + s * sw];
          }
        }
      }
    }
  }
}

/** dst[j * rows + i] = src[i * cols + j]: a [rows, cols] matrix transposed, in blocks of 16 rows (the wasm Transpose kernel measured 2-3x slower for these shapes). */
export function transposeRows(src: Float32Array, dst: Float32Array, rows: number, cols: number): void {
  const B = 16;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j = 0; j < cols; j++) {
      let d = j * rows + i0;
      for (let i = i0, s = i0 * cols + j; i < i1; i++, s += cols) dst[d++] = src[s];
    }
  }
}
