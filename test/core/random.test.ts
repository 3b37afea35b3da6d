import { describe, expect, it } from 'vitest';
import { fillGaussian, mulberry32, shuffleInPlace } from '../../src/core/random.ts';

describe('random', () => {
  it('mulberry32 repeats for a seed and stays in [0, 1)', () => {
    const a = mulberry32(5);
    const b = mulberry32(5);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(6)()).not.toBe(xs[0]);
  });

  it('shuffleInPlace permutes typed arrays deterministically', () => {
    const a = shuffleInPlace(
      Uint32Array.from({ length: 50 }, (_, i) => i),
      mulberry32(1),
    );
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(
      shuffleInPlace(
        Uint32Array.from({ length: 50 }, (_, i) => i),
        mulberry32(1),
      ),
    ).toEqual(a);
  });

  it('fillGaussian has mean 0 and variance 1, odd lengths included', () => {
    const v = new Float64Array(20001);
    fillGaussian(v, mulberry32(3));
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(v[v.length - 1]).not.toBe(0);
  });
});
