import { describe, expect, it } from 'vitest';
import { batchNormBackwardLoops } from '../../../src/core/backend/batch-norm-backward-loops.ts';
import { channelMoments, foldScaleShift, scaleShift } from '../../../src/core/backend/batch-norm-loops.ts';
import { batchNormTrainBackward, batchNormTrainForward } from '../../../src/core/backend/batch-norm-plain.ts';
import { maxRelDiff } from './backend-compare.ts';

/** Seeded normal values (Box-Muller over a small LCG), as float32. */
function normals(n: number, seed: number, mean = 0, std = 1): Float32Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 2 ** 32;
  return Float32Array.from(
    { length: n },
    () => mean + std * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()),
  );
}

/** Two-pass mean and variance in float64, the textbook-safe reference. */
function twoPass(x: Float32Array, c: number): { mean: number[]; variance: number[] } {
  const rows = x.length / c;
  const mean = Array.from({ length: c }, (_, k) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += x[i * c + k];
    return s / rows;
  });
  const variance = mean.map((m, k) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += (x[i * c + k] - m) ** 2;
    return s / rows;
  });
  return { mean, variance };
}

// Shapes: one channel, counts that are not multiples of the 4- and 2-channel groups, and row counts
// that do not fill the last row block.
const SHAPES: [number, number][] = [
  [1, 1],
  [7, 1],
  [300, 3],
  [129, 5],
  [1000, 6],
  [70, 32],
  [33, 64],
  [20, 256],
];

describe('batch-norm loops', () => {
  it.each([
    [0, 1],
    [3, 0.5],
    [1e3, 1],
    [1e4, 0.1],
    [-2e4, 3],
  ])('one-pass moments match the two-pass float64 ones for data of mean %d, std %d', (mean, std) => {
    for (const [rows, c] of SHAPES) {
      const x = normals(rows * c, rows + c, mean, std);
      const ref = twoPass(x, c);
      const m = new Float32Array(c);
      const v = new Float32Array(c);
      channelMoments(x, c, m, v);
      for (let k = 0; k < c; k++) {
        expect(Math.abs(m[k] - ref.mean[k]), `mean ${rows}x${c}`).toBeLessThanOrEqual(
          Math.abs(ref.mean[k]) * 1e-7 + 1e-30,
        );
        // The variance to float32 precision even where mean^2 / var reaches 4e10 (the textbook E[x^2] - E[x]^2 would lose it all).
        expect(Math.abs(v[k] - ref.variance[k]), `variance ${rows}x${c}`).toBeLessThanOrEqual(
          ref.variance[k] * 1e-6 + 1e-30,
        );
      }
    }
  });

  it('a first value far out in the tail still leaves the variance accurate', () => {
    const x = normals(4096, 9, 0, 1);
    x[0] = 1e3;
    const ref = twoPass(x, 1);
    const m = new Float32Array(1);
    const v = new Float32Array(1);
    channelMoments(x, 1, m, v);
    expect(Math.abs(v[0] - ref.variance[0]) / ref.variance[0]).toBeLessThan(1e-6);
  });

  it.each(SHAPES)('forward and backward equal the plain loops (%i rows x %i channels)', (rows, c) => {
    const n = rows * c;
    const x = normals(n, 1, 2, 3);
    const dy = normals(n, 2);
    const gamma = normals(c, 3, 1, 0.5);
    const beta = normals(c, 4);
    const eps = 1e-3;
    const plain = { y: new Float32Array(n), mean: new Float32Array(c), variance: new Float32Array(c) };
    batchNormTrainForward(x, gamma, beta, eps, plain.y, plain.mean, plain.variance);
    const mean = new Float32Array(c);
    const variance = new Float32Array(c);
    const y = new Float32Array(n);
    channelMoments(x, c, mean, variance);
    const { scale, shift } = foldScaleShift(mean, variance, gamma, beta, eps);
    scaleShift(x, scale, shift, false, y);
    expect(maxRelDiff(mean, plain.mean)).toBeLessThan(1e-6);
    expect(maxRelDiff(variance, plain.variance)).toBeLessThan(1e-6);
    expect(maxRelDiff(y, plain.y)).toBeLessThan(1e-5);
    // The ReLU variant is the plain output clamped at 0.
    const yr = new Float32Array(n);
    scaleShift(x, scale, shift, true, yr);
    expect(
      maxRelDiff(
        yr,
        y.map((v) => Math.max(0, v)),
      ),
    ).toBe(0);

    const out = [new Float32Array(n), new Float32Array(c), new Float32Array(c)];
    const ref = [new Float32Array(n), new Float32Array(c), new Float32Array(c)];
    batchNormTrainBackward(dy, x, mean, variance, gamma, eps, ref[0], ref[1], ref[2]);
    batchNormBackwardLoops(dy, x, mean, variance, gamma, beta, eps, false, out[0], out[1], out[2]);
    for (let i = 0; i < 3; i++) expect(maxRelDiff(out[i], ref[i]), `output ${i}`).toBeLessThan(1e-5);
  });
});
