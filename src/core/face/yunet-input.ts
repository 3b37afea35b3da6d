/**
 * Pixels -> YuNet's input: BGR, 0-255 floats, planar (1x3xHxW), shrunk so the long
 * side is at most `maxSide`, padded with zeros on the right and bottom to multiples of
 * 32 (as OpenCV's `FaceDetectorYN` pads). Pure arithmetic, so the page can reuse it.
 */
import { taps } from '../image/resample.ts';

export interface YunetInput {
  /** 3 x padH x padW, B plane first. */
  data: Float32Array;
  padW: number;
  padH: number;
  /** Input pixels per detector pixel along x and y (>= 1): boxes are multiplied by them. */
  scaleX: number;
  scaleY: number;
}

export function checkPixels(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: number,
): void {
  if (channels !== 3 && channels !== 4)
    throw new RangeError(`face detection: channels must be 3 (RGB) or 4 (RGBA), got ${channels}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`face detection: image size must be positive whole numbers, got ${width}x${height}`);
  }
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `face detection: expected ${width}x${height}x${channels} = ${width * height * channels} bytes, got ${pixels.length}`,
    );
  }
}

const pad32 = (n: number): number => Math.ceil(n / 32) * 32;

/**
 * Never enlarges: a small image is detected at its own size (a face below ~10 px is not
 * one YuNet finds anyway). No limit on either side: what is allocated here is at most
 * the input's height x `maxSide` pixels, so a 10,000 x 1 strip costs nothing.
 */
export function yunetInput(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: 3 | 4,
  maxSide: number,
): YunetInput {
  checkPixels(pixels, width, height, channels);
  const scale = Math.max(1, Math.max(width, height) / maxSide);
  const w = Math.max(1, Math.round(width / scale));
  const h = Math.max(1, Math.round(height / scale));
  const padW = pad32(w);
  const padH = pad32(h);
  const plane = padW * padH;
  const data = new Float32Array(3 * plane);
  if (scale === 1) {
    for (let y = 0; y < h; y++) {
      for (let x = 0, i = y * width * channels; x < w; x++, i += channels) {
        const o = y * padW + x;
        data[o] = pixels[i + 2];
        data[plane + o] = pixels[i + 1];
        data[2 * plane + o] = pixels[i];
      }
    }
    return { data, padW, padH, scaleX: 1, scaleY: 1 };
  }
  // Area averaging (image/resample.ts's taps), separable: rows first into a w-wide RGB buffer.
  const tx = taps(0, width, w);
  const ty = taps(0, height, h);
  const rows = new Float32Array(height * w * 3);
  for (let y = 0; y < height; y++) {
    const base = y * width * channels;
    for (let o = 0; o < w; o++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let k = tx.start[o]; k < tx.start[o + 1]; k++) {
        const i = base + tx.index[k] * channels;
        const wt = tx.weight[k];
        r += pixels[i] * wt;
        g += pixels[i + 1] * wt;
        b += pixels[i + 2] * wt;
      }
      const j = (y * w + o) * 3;
      rows[j] = r;
      rows[j + 1] = g;
      rows[j + 2] = b;
    }
  }
  for (let o = 0; o < h; o++) {
    for (let x = 0; x < w; x++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let k = ty.start[o]; k < ty.start[o + 1]; k++) {
        const j = (ty.index[k] * w + x) * 3;
        const wt = ty.weight[k];
        r += rows[j] * wt;
        g += rows[j + 1] * wt;
        b += rows[j + 2] * wt;
      }
      const d = o * padW + x;
      data[d] = b;
      data[plane + d] = g;
      data[2 * plane + d] = r;
    }
  }
  return { data, padW, padH, scaleX: width / w, scaleY: height / h };
}
