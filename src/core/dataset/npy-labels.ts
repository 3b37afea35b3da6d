import { FerError } from '../errors.ts';
import type { NpyArray } from './npy.ts';

/**
 * Class index per image from a Y array: integer labels [N] (or [N,1]) or one-hot [N,K].
 * Float labels are accepted when integral (the reference application saved one-hot float32).
 */
export function decodeLabels(y: NpyArray, count: number, classes: readonly string[], file: string): Uint8Array {
  const { shape, data } = y;
  const k = classes.length;
  const oneHot = shape.length === 2 && shape[1] > 1;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] >= 1))) {
    throw new FerError(`labels have shape (${shape.join(', ')}); expected [N] class indices or [N, K] one-hot rows`, {
      file,
    });
  }
  if (shape[0] !== count) {
    throw new FerError(`${shape[0]} labels for ${count} images: X and Y must have the same length`, { file });
  }
  const labels = new Uint8Array(count);
  if (!oneHot) {
    for (let i = 0; i < count; i++) {
      const v = data[i];
      if (!Number.isInteger(v) || v < 0 || v >= k) {
        throw new FerError(`label ${v} at row ${i} is not a class index 0..${k - 1} (${classes.join(', ')})`, { file });
      }
      labels[i] = v;
    }
    return labels;
  }
  if (shape[1] !== k) {
    throw new FerError(
      `one-hot labels have ${shape[1]} columns but there are ${k} class names (${classes.join(', ')})`,
      { file },
    );
  }
  for (let i = 0; i < count; i++) {
    let hot = -1;
    for (let j = 0; j < k; j++) {
      const v = data[i * k + j];
      if (v === 1 && hot < 0) hot = j;
      else if (v !== 0) {
        throw new FerError(`row ${i} is not one-hot (needs exactly one 1 and the rest 0)`, { file });
      }
    }
    if (hot < 0) throw new FerError(`row ${i} is not one-hot (no column is 1)`, { file });
    labels[i] = hot;
  }
  return labels;
}
