/**
 * How a whole picture becomes a stored image: a dataset folder keeps every image at
 * the first one's size, at most 256 px on the longest side (a folder of photos must
 * not exhaust memory), scaled to cover that size and centre-cropped so faces keep
 * their proportions. Predict's whole-image fallback takes the same step before the
 * model's own resize, so a photo classified whole and the same photo in a folder
 * dataset reach the model as the same pixels (test/core/predict/one-image-path.test.ts).
 */
import { resizeGrayRect, type Rect } from './resample.ts';

export const MAX_STORED_SIDE = 256;

export interface Size {
  width: number;
  height: number;
}

/** The size a `width` x `height` picture is stored at: its own, shrunk to MAX_STORED_SIDE. */
export function storedSize(width: number, height: number): Size {
  const scale = Math.min(1, MAX_STORED_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The centred part of a width x height picture with the aspect ratio of `to` (all of it when that matches). */
export function coverRect(width: number, height: number, to: Size): Rect {
  const scale = Math.max(to.width / width, to.height / height);
  const w = Math.min(width, Math.max(1, Math.round(to.width / scale)));
  const h = Math.min(height, Math.max(1, Math.round(to.height / scale)));
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), w, h };
}

/** The gray picture scaled to cover `to` and centre-cropped to it. */
export function resizeCover(gray: Uint8Array, width: number, height: number, to: Size): Uint8Array {
  if (to.width === width && to.height === height) return gray;
  return resizeGrayRect(gray, width, coverRect(width, height, to), to.width, to.height);
}

/** The whole picture as a `size` x `size` model input: stored (storedSize), then squeezed to the square. */
export function wholeImageGray(gray: Uint8Array, width: number, height: number, size: number): Uint8Array {
  const s = storedSize(width, height);
  const stored = resizeCover(gray, width, height, s);
  if (s.width === size && s.height === size) return stored;
  return resizeGrayRect(stored, s.width, { x: 0, y: 0, w: s.width, h: s.height }, size, size);
}
