import { describe, expect, it } from 'vitest';
import { SPLIT } from '../../../src/core/dataset/types.ts';
import { resolveSplits, stratifiedSplit } from '../../../src/core/preprocess/split.ts';

const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i < 500 ? 0 : i < 800 ? 1 : i < 950 ? 2 : 3));

function countBy(codes: Uint8Array, lab: Uint8Array, cls: number, code: number): number {
  let c = 0;
  for (let i = 0; i < codes.length; i++) if (lab[i] === cls && codes[i] === code) c++;
  return c;
}

describe('stratifiedSplit', () => {
  it('gives every class its share of validation and test', () => {
    const codes = stratifiedSplit(labels, { validation: 0.1, test: 0.2 }, 7);
    const sizes: Record<number, number> = { 0: 500, 1: 300, 2: 150, 3: 50 };
    for (const [cls, n] of Object.entries(sizes)) {
      expect(countBy(codes, labels, Number(cls), SPLIT.validation)).toBe(Math.round(n * 0.1));
      expect(countBy(codes, labels, Number(cls), SPLIT.test)).toBe(Math.round(n * 0.2));
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = stratifiedSplit(labels, { validation: 0.1, test: 0.1 }, 1);
    expect(stratifiedSplit(labels, { validation: 0.1, test: 0.1 }, 1)).toEqual(a);
    expect(stratifiedSplit(labels, { validation: 0.1, test: 0.1 }, 2)).not.toEqual(a);
  });

  it('rejects fractions that leave nothing to train on', () => {
    expect(() => stratifiedSplit(labels, { validation: 0.5, test: 0.5 }, 1)).toThrow(/fractions/);
  });
});

describe('resolveSplits', () => {
  it('makes an 80/10/10 split when the dataset has none', () => {
    const s = resolveSplits({ labels, split: null }, { seed: 3 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([800, 100, 100]);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('keeps given splits that are complete', () => {
    const split = Uint8Array.from(labels, (_, i) => i % 3);
    const s = resolveSplits({ labels, split });
    expect(s.validation.every((i) => i % 3 === 1)).toBe(true);
    expect(s.test.every((i) => i % 3 === 2)).toBe(true);
    expect(s.train.length + s.validation.length + s.test.length).toBe(1000);
  });

  it('carves a stratified validation part out of train when only train/test are given', () => {
    const split = Uint8Array.from(labels, (_, i) => (i % 5 === 0 ? SPLIT.test : SPLIT.train));
    const s = resolveSplits({ labels, split }, { validation: 0.25, seed: 5 });
    expect(s.test.length).toBe(200);
    expect(s.test.every((i) => i % 5 === 0)).toBe(true);
    expect(s.validation.length).toBe(200);
    expect(s.validation.every((i) => i % 5 !== 0)).toBe(true);
    // class 3 has 40 train images -> 10 validation
    expect(Array.from(s.validation).filter((i) => labels[i] === 3).length).toBe(10);
  });
});
