/**
 * Turns uint8 images into float batches, with the augmentation the CNN and RNN
 * train on. Works directly from the uint8 store into one reused Float32Array per
 * batch: no per-image allocation, and the dataset never exists as floats.
 */
import { taps } from '../image/resample.ts';
import type { Rng } from '../random.ts';

export interface AugmentOptions {
  flip: boolean;
  /** Maximum shift in pixels, each axis. */
  shift: number;
  /** Maximum relative brightness/contrast change, e.g. 0.2. */
  jitter: number;
  /** Always mirror (test-time augmentation), regardless of `flip`. */
  mirror?: boolean;
  /**
   * Test-time only: magnify the centre by this factor (e.g. 1.1: the central 44x44 of a
   * 48x48 face, resized back bilinearly), applied instead of shift and jitter.
   */
  zoom?: number;
}

export const NO_AUGMENT: AugmentOptions = { flip: false, shift: 0, jitter: 0 };
export const DEFAULT_AUGMENT: AugmentOptions = { flip: true, shift: 4, jitter: 0.2 };

/**
 * Fills `out` (length >= indices.length * size * size) with images `indices`
 * scaled to 0..1, each optionally flipped, shifted (edge pixels repeat) and
 * brightness/contrast-jittered.
 */
export function fillBatch(
  images: Uint8Array,
  size: number,
  indices: ArrayLike<number>,
  out: Float32Array,
  aug: AugmentOptions = NO_AUGMENT,
  rng: Rng = Math.random,
): Float32Array {
  if (aug.zoom && aug.zoom !== 1) return fillZoomed(images, size, indices, out, aug.zoom, !!aug.mirror);
  const px = size * size;
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b] * px;
    const dst = b * px;
    const flip = aug.mirror || (aug.flip && rng() < 0.5);
    const dx = aug.shift ? Math.round((rng() * 2 - 1) * aug.shift) : 0;
    const dy = aug.shift ? Math.round((rng() * 2 - 1) * aug.shift) : 0;
    const contrast = aug.jitter ? 1 + (rng() * 2 - 1) * aug.jitter : 1;
    const bright = aug.jitter ? (rng() * 2 - 1) * aug.jitter * 0.5 : 0;
    const scale = contrast / 255;
    const offset = bright + 0.5 * (1 - contrast);
    for (let y = 0; y < size; y++) {
      const sy = Math.min(size - 1, Math.max(0, y - dy));
      const row = src + sy * size;
      for (let x = 0; x < size; x++) {
        let sx = Math.min(size - 1, Math.max(0, x - dx));
        if (flip) sx = size - 1 - sx;
        const v = images[row + sx] * scale + offset;
        out[dst + y * size + x] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}

/**
 * The centre n x n (n = round(size / zoom)) resized back to size x size with the crop
 * resizer's bilinear taps (pixel centres aligned, edges clamped: PyTorch's interpolate
 * with align_corners=False, which the GPU scripts' TTA used), optionally mirrored, scaled
 * to 0..1; kept in floats rather than rounded to uint8 like a crop.
 */
function fillZoomed(
  images: Uint8Array,
  size: number,
  indices: ArrayLike<number>,
  out: Float32Array,
  zoom: number,
  mirror: boolean,
): Float32Array {
  const n = Math.round(size / zoom);
  const { index, weight, start } = taps(Math.floor((size - n) / 2), n, size); // the same along rows and columns
  const px = size * size;
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b] * px;
    const dst = b * px;
    for (let y = 0; y < size; y++) {
      const ky = start[y];
      const r0 = src + index[ky] * size;
      const r1 = src + index[ky + 1] * size;
      for (let x = 0; x < size; x++) {
        const kx = start[mirror ? size - 1 - x : x];
        const top = images[r0 + index[kx]] * weight[kx] + images[r0 + index[kx + 1]] * weight[kx + 1];
        const bottom = images[r1 + index[kx]] * weight[kx] + images[r1 + index[kx + 1]] * weight[kx + 1];
        out[dst + y * size + x] = (top * weight[ky] + bottom * weight[ky + 1]) / 255;
      }
    }
  }
  return out;
}

/** One-hot targets with label smoothing `eps` (0 = plain one-hot). */
export function fillTargets(
  labels: Uint8Array,
  indices: ArrayLike<number>,
  numClasses: number,
  eps: number,
  out: Float32Array,
): Float32Array {
  const off = eps / numClasses;
  const on = 1 - eps + off;
  out.fill(off, 0, indices.length * numClasses);
  for (let b = 0; b < indices.length; b++) out[b * numClasses + labels[indices[b]]] = on;
  return out;
}
