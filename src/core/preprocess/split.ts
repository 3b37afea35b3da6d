/**
 * Train/validation/test splits: the dataset's own when it has them (CSV Usage,
 * train/test folders), otherwise stratified and seeded, so every class keeps
 * its share in every part and a seed reproduces the split exactly.
 */
import type { Dataset } from '../dataset/types.ts';
import { SPLIT } from '../dataset/types.ts';
import { mulberry32, shuffleInPlace } from '../random.ts';

export interface SplitFractions {
  validation: number;
  test: number;
}

export interface SplitIndices {
  train: Uint32Array;
  validation: Uint32Array;
  test: Uint32Array;
}

export interface ResolveSplitOptions {
  /** Share of the images (or of the given train part) for validation; default 0.1. */
  validation?: number;
  /** Share for test when the dataset defines no test part; default 0.1. */
  test?: number;
  seed?: number;
}

/** SPLIT code per image; within each class the shares are rounded to whole images. */
export function stratifiedSplit(labels: Uint8Array, fractions: SplitFractions, seed: number): Uint8Array {
  checkFractions(fractions);
  const codes = new Uint8Array(labels.length).fill(SPLIT.train);
  const rng = mulberry32(seed);
  for (const members of byClass(labels, Uint32Array.from(labels.keys()))) {
    shuffleInPlace(members, rng);
    const nTest = Math.round(members.length * fractions.test);
    const nVal = Math.min(members.length - nTest, Math.round(members.length * fractions.validation));
    for (let i = 0; i < nTest; i++) codes[members[i]] = SPLIT.test;
    for (let i = nTest; i < nTest + nVal; i++) codes[members[i]] = SPLIT.validation;
  }
  return codes;
}

/**
 * Index lists of the three parts. Given splits are kept; a part they lack
 * (validation, or test) is carved out of their train part, stratified.
 */
export function resolveSplits(ds: Pick<Dataset, 'labels' | 'split'>, opts: ResolveSplitOptions = {}): SplitIndices {
  const validation = opts.validation ?? 0.1;
  const test = opts.test ?? 0.1;
  const seed = opts.seed ?? 42;
  const n = ds.labels.length;
  let codes: Uint8Array;
  if (!ds.split) {
    codes = stratifiedSplit(ds.labels, { validation, test }, seed);
  } else {
    codes = Uint8Array.from(ds.split);
    const has = (code: number): boolean => codes.includes(code);
    const needVal = !has(SPLIT.validation);
    const needTest = !has(SPLIT.test);
    if (needVal || needTest) {
      const trainIdx = indicesOf(codes, SPLIT.train);
      const sub = stratifiedSplit(
        pick(ds.labels, trainIdx),
        { validation: needVal ? validation : 0, test: needTest ? test : 0 },
        seed,
      );
      trainIdx.forEach((i, t) => (codes[i] = sub[t]));
    }
  }
  if (codes.length !== n) throw new Error('resolveSplits: split codes and labels differ in length');
  return {
    train: indicesOf(codes, SPLIT.train),
    validation: indicesOf(codes, SPLIT.validation),
    test: indicesOf(codes, SPLIT.test),
  };
}

function checkFractions(f: SplitFractions): void {
  const ok = (x: number): boolean => Number.isFinite(x) && x >= 0 && x < 1;
  if (!ok(f.validation) || !ok(f.test) || f.validation + f.test >= 1) {
    throw new RangeError(
      `split fractions must be in [0, 1) and leave room for training (validation ${f.validation}, test ${f.test})`,
    );
  }
}

function byClass(labels: Uint8Array, indices: Uint32Array): Uint32Array[] {
  const counts = new Uint32Array(256);
  for (const i of indices) counts[labels[i]]++;
  const groups = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(256);
  for (const i of indices) groups[labels[i]][fill[labels[i]]++] = i;
  return groups.filter((g) => g.length > 0);
}

function indicesOf(codes: Uint8Array, code: number): Uint32Array {
  let count = 0;
  for (const c of codes) if (c === code) count++;
  const out = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] === code) out[k++] = i;
  return out;
}

function pick(labels: Uint8Array, idx: Uint32Array): Uint8Array {
  return Uint8Array.from(idx, (i) => labels[i]);
}
