import { FerError } from '../errors.ts';
import type { NpyArray } from './npy.ts';

/** Image geometry read from an X array's shape. */
export interface ImageGeometry {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
}

const SHAPES_HELP =
  'expected [N,H,W], [N,H,W,1], [N,H,W,3] (channels last) or flat [N,D] with D a square or 3x a square';

export function imageGeometry(shape: readonly number[], file: string): ImageGeometry {
  const bad = (why: string): FerError => new FerError(`images have shape (${shape.join(', ')}): ${why}`, { file });
  const [count] = shape;
  if (shape.length === 2) {
    const d = shape[1];
    const gray = Math.round(Math.sqrt(d));
    if (d > 0 && gray * gray === d) return checkCount({ count, height: gray, width: gray, channels: 1 }, bad);
    const rgb = Math.round(Math.sqrt(d / 3));
    if (d > 0 && 3 * rgb * rgb === d) return checkCount({ count, height: rgb, width: rgb, channels: 3 }, bad);
    throw bad(`${d} values per row is neither a square nor 3x a square; ${SHAPES_HELP}`);
  }
  if (shape.length === 3) return checkCount({ count, height: shape[1], width: shape[2], channels: 1 }, bad);
  if (shape.length === 4 && (shape[3] === 1 || shape[3] === 3)) {
    return checkCount({ count, height: shape[1], width: shape[2], channels: shape[3] }, bad);
  }
  throw bad(SHAPES_HELP);
}

function checkCount(g: ImageGeometry, bad: (why: string) => FerError): ImageGeometry {
  if (g.count === 0) throw bad('the file holds no images');
  if (g.height === 0 || g.width === 0) throw bad('images have no pixels');
  return g;
}

/**
 * Pixels as uint8 0..255. uint8 data is returned as-is (a view of the file, no copy).
 * Floats in 0..1 are scaled by 255 (the reference application saved X that way); floats
 * already in 0..255 are rounded. A float image set whose maximum is <= 1 is read as 0..1:
 * the only ambiguity is an all-but-black 0..255 set, which real datasets do not contain.
 */
export function toUint8Pixels(x: NpyArray, perImage: number, file: string): Uint8Array {
  const { data, dtype } = x;
  if (dtype === 'u1' || dtype === 'b1') return data as Uint8Array;
  const where = (i: number): string => `at image ${Math.floor(i / perImage)} (value index ${i})`;
  const out = new Uint8Array(data.length);
  if (dtype !== 'f4' && dtype !== 'f8') {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < 0 || v > 255) throw new FerError(`pixel value ${v} ${where(i)} is outside 0..255`, { file });
      out[i] = v;
    }
    return out;
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v))
      throw new FerError(`pixel value ${v} ${where(i)}: images must not contain NaN or infinity`, { file });
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min < 0 || max > 255) {
    throw new FerError(`float pixels range from ${min} to ${max}; expected 0..1 or 0..255`, { file });
  }
  const scale = max <= 1 ? 255 : 1;
  for (let i = 0; i < data.length; i++) out[i] = Math.round(data[i] * scale);
  return out;
}
