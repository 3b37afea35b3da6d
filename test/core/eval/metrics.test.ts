import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/core/eval/metrics.ts';

describe('computeMetrics', () => {
  it('counts the confusion matrix as [true][predicted] and derives precision/recall/F1 from it', () => {
    const truth = [0, 0, 0, 1, 1, 2];
    const pred = [0, 0, 1, 1, 2, 2];
    const r = computeMetrics(pred, truth, ['a', 'b', 'c']);
    expect(r.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(r.accuracy).toBeCloseTo(4 / 6);
    expect(r.n).toBe(6);
    expect(r.perClass.a).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    expect(r.perClass.b.precision).toBeCloseTo(0.5);
    expect(r.perClass.c).toMatchObject({ precision: 0.5, recall: 1, support: 1 });
  });

  it('reports zeros, not NaN, for a class that is never predicted or never present', () => {
    const r = computeMetrics([0, 0], [0, 0], ['a', 'b']);
    expect(r.perClass.b).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
});
