/**
 * The one resampler of every image path. Separable: area averaging when shrinking
 * (OpenCV's INTER_AREA, how FER2013's 48x48 faces were made from larger gray crops;
 * no aliasing when a 400 px face becomes 48 px), bilinear between pixel centres when
 * enlarging (OpenCV's INTER_LINEAR). Plus the point sampler the rotated (eye-levelled)
 * face crop is built on. Pure JS, so no path depends on a WASM build being loaded.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Taps {
  index: Int32Array;
  weight: Float32Array;
  start: Int32Array;
}

/**
 * For each output sample along one axis: the source indices and weights that make it
 * (output o uses index/weight[start[o] .. start[o + 1])).
 */
export function taps(srcStart: number, srcLen: number, dstLen: number): Taps {
  const ratio = srcLen / dstLen;
  const index: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(dstLen + 1);
  for (let o = 0; o < dstLen; o++) {
    start[o] = index.length;
    if (ratio >= 1) {
      // Source interval [a, b) covered by output pixel o, with fractional edges.
      const a = o * ratio;
      const b = a + ratio;
      for (let i = Math.floor(a); i < Math.ceil(b) && i < srcLen; i++) {
        const w = Math.min(b, i + 1) - Math.max(a, i);
        if (w > 1e-9) {
          index.push(srcStart + i);
          weight.push(w / ratio);
        }
      }
    } else {
      // Pixel-centre aligned bilinear, edges clamped (as OpenCV INTER_LINEAR).
      const c = Math.min(Math.max((o + 0.5) * ratio - 0.5, 0), srcLen - 1);
      const i0 = Math.floor(c);
      const i1 = Math.min(i0 + 1, srcLen - 1);
      const f = c - i0;
      index.push(srcStart + i0, srcStart + i1);
      weight.push(1 - f, f);
    }
  }
  start[dstLen] = index.length;
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), start };
}

/** Resizes `rect` of the `width`-wide image `gray` to `outW` x `outH`, rounding to uint8. */
export function resizeGrayRect(gray: Uint8Array, width: number, rect: Rect, outW: number, outH: number): Uint8Array {
  const tx = taps(rect.x, rect.w, outW);
  const ty = taps(rect.y, rect.h, outH);
  // Horizontal pass over only the rows the vertical pass needs.
  const rows = new Float32Array(rect.h * outW);
  for (let r = 0; r < rect.h; r++) {
    const rowBase = (rect.y + r) * width;
    for (let o = 0; o < outW; o++) {
      let s = 0;
      for (let k = tx.start[o]; k < tx.start[o + 1]; k++) s += gray[rowBase + tx.index[k]] * tx.weight[k];
      rows[r * outW + o] = s;
    }
  }
  const out = new Uint8Array(outW * outH);
  for (let o = 0; o < outH; o++) {
    for (let c = 0; c < outW; c++) {
      let s = 0;
      for (let k = ty.start[o]; k < ty.start[o + 1]; k++) s += rows[(ty.index[k] - rect.y) * outW + c] * ty.weight[k];
      out[o * outW + c] = Math.min(255, Math.max(0, Math.round(s)));
    }
  }
  return out;
}

/**
 * The gray value at a point between pixel centres (pixel i's centre is at i), bilinear,
 * outside the image repeating its edge.
 */
export function sampleBilinear(gray: Uint8Array, width: number, height: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), width - 1);
  const cy = Math.min(Math.max(y, 0), height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = gray[y0 * width + x0] * (1 - fx) + gray[y0 * width + x1] * fx;
  const bottom = gray[y1 * width + x0] * (1 - fx) + gray[y1 * width + x1] * fx;
  return top * (1 - fy) + bottom * fy;
}
