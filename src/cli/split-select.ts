/** `--split train|validation|test`: the indices of a dataset's images in one split. */
import type { Dataset, SplitName } from '../core/dataset/types.ts';
import { SPLIT } from '../core/dataset/types.ts';
import { FerError } from '../core/errors.ts';

export const SPLIT_NAMES = Object.keys(SPLIT) as SplitName[];

export function splitIndices(ds: Dataset, split: SplitName): Uint32Array {
  if (!ds.split) {
    throw new FerError(
      `the dataset defines no splits, so --split ${split} cannot be used (only a .csv with Usage or a folder with train/test has them)`,
      { file: ds.source, kind: 'usage' },
    );
  }
  const code = SPLIT[split];
  const out: number[] = [];
  ds.split.forEach((s, i) => {
    if (s === code) out.push(i);
  });
  if (!out.length) throw new FerError(`the dataset has no images in its ${split} split`, { file: ds.source });
  return Uint32Array.from(out);
}
