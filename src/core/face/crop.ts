/** Face crops in the shape the models expect (square, grayscale, `size` x `size`). */
import type { Box } from './haar.ts';
import { wholeImageGray } from '../image/fit.ts';
import { resizeGrayRect, type Rect } from '../image/resample.ts';

/** Throws a RangeError unless `gray` is a width x height image and `size` a positive integer. */
export function checkCropArgs(gray: Uint8Array, width: number, height: number, size: number): void {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    gray.length !== width * height
  ) {
    throw new RangeError(`expected ${width}x${height} gray pixels, got ${gray.length}`);
  }
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`crop size must be a positive integer, got ${size}`);
}

/**
 * The face box grown by `margin` (a fraction of the box: 0.2 makes it 20 %
 * wider and taller, 10 % each side, about the framing of FER2013 faces, which
 * show the whole chin and forehead), clamped to the image.
 */
export function expandBox(box: Box, width: number, height: number, margin = 0.2): Rect {
  const dx = (box.w * margin) / 2;
  const dy = (box.h * margin) / 2;
  const x0 = Math.max(0, Math.round(box.x - dx));
  const y0 = Math.max(0, Math.round(box.y - dy));
  const x1 = Math.min(width, Math.round(box.x + box.w + dx));
  const y1 = Math.min(height, Math.round(box.y + box.h + dy));
  return { x: x0, y: y0, w: Math.max(1, x1 - x0), h: Math.max(1, y1 - y0) };
}

/** Crops `box` (plus margin) out of the gray image and resizes it to `size` x `size`. */
export function cropFace(
  gray: Uint8Array,
  width: number,
  height: number,
  box: Box,
  margin = 0.2,
  size = 48,
): Uint8Array {
  checkCropArgs(gray, width, height, size);
  const r = expandBox(box, width, height, margin);
  // A box entirely outside the image would clamp to a 1-pixel sliver at the edge; keep it inside.
  const rect: Rect = { x: Math.min(r.x, width - 1), y: Math.min(r.y, height - 1), w: 0, h: 0 };
  rect.w = Math.max(1, Math.min(r.w, width - rect.x));
  rect.h = Math.max(1, Math.min(r.h, height - rect.y));
  return resizeGrayRect(gray, width, rect, size, size);
}

/**
 * The whole image squeezed to `size` x `size` (no face detection): what the
 * reference application did for every photo, offered when no face is found. Taken
 * through the dataset folders' stored size (image/fit.ts), so it is exactly what a
 * model sees of the same photo loaded as a folder dataset.
 */
export function wholeImage(gray: Uint8Array, width: number, height: number, size = 48): Uint8Array {
  checkCropArgs(gray, width, height, size);
  return wholeImageGray(gray, width, height, size);
}
