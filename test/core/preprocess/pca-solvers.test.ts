/** The large-matrix machinery behind fitPca: exact eigen solver, block Krylov, parallel covariance. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { covarianceMatrix } from '../../../src/core/preprocess/covariance.ts';
import { pcaEigen } from '../../../src/core/preprocess/pca-eigen.ts';
import { symmetricEigen } from '../../../src/core/preprocess/symmetric-eigen.ts';
import { fillGaussian, mulberry32 } from '../../../src/core/random.ts';
import { dot, row, structuredData } from './pca-helpers.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('symmetricEigen', () => {
  it('solves a known 3x3 matrix', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
    expect(Array.from(values)).toEqual([5, 3, 1].map((v) => expect.closeTo(v, 12) as unknown as number));
    expect(Math.abs(vectors[2])).toBeCloseTo(1, 12);
    expect(Math.abs(dot(row(vectors, 1, 3), [Math.SQRT1_2, Math.SQRT1_2, 0]))).toBeCloseTo(1, 12);
  });

  it('gives orthonormal eigenvectors with small residuals on a random 60x60 matrix', () => {
    const n = 60;
    const rng = mulberry32(9);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng() - 0.5;
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i += 7) {
      const v = row(vectors, i, n);
      for (let r = 0; r < n; r++) expect(dot(row(a, r, n), v)).toBeCloseTo(values[i] * v[r], 10);
      for (let j = 0; j < n; j += 11) expect(dot(v, row(vectors, j, n))).toBeCloseTo(i === j ? 1 : 0, 10);
    }
  });
});

describe('covarianceMatrix', () => {
  function direct(data: ArrayLike<number>, n: number, d: number, scale: number): Float64Array {
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += (data[i * d + j] * scale) / n;
    const cov = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++)
          cov[a * d + b] += ((data[i * d + a] * scale - mean[a]) * (data[i * d + b] * scale - mean[b])) / (n - 1);
    }
    return cov;
  }

  it('matches a direct Float64 computation on float data (tfjs products)', async () => {
    const n = 700;
    const d = 40;
    const data = structuredData(n, d, 5, 6);
    const want = direct(data, n, d, 1);
    const got = await covarianceMatrix(data, n, d, { chunkRows: 64, blocks: 3 });
    for (let i = 0; i < d * d; i++) expect(got.cov[i]).toBeCloseTo(want[i], 4);
  });

  it('is exact on uint8 data with the integer SIMD kernel, across chunks and a column subset', async () => {
    const n = 4200; // two chunks of the kernel (4,096 rows each)
    const d = 45; // not a multiple of 4: padded columns
    const rng = mulberry32(11);
    const data = Uint8Array.from({ length: n * d }, (_, i) => Math.floor(rng() * 256) ^ (i % 7 === 0 ? 255 : 0));
    const features = Int32Array.from([0, 3, 4, 10, 44, 20, 21]);
    const sub = Uint8Array.from(
      { length: n * features.length },
      (_, k) => data[Math.floor(k / features.length) * d + features[k % features.length]],
    );
    const want = direct(sub, n, features.length, 1 / 255);
    const ints = await covarianceMatrix(data, n, d, { features, scale: 1 / 255 });
    const floats = await covarianceMatrix(data, n, d, { features, scale: 1 / 255, float: true });
    for (let i = 0; i < want.length; i++) {
      expect(ints.cov[i]).toBeCloseTo(want[i], 12);
      expect(floats.cov[i]).toBeCloseTo(want[i], 5);
    }
    expect(ints.mean[4]).toBeCloseTo(
      Array.from({ length: n }, (_, i) => data[i * d + 44]).reduce((a, b) => a + b, 0) / n / 255,
      12,
    );
  });

  it('is exact with more columns than one kernel panel (64) and a partial last chunk', async () => {
    const n = 4500;
    const d = 150;
    const rng = mulberry32(12);
    const data = Uint8Array.from({ length: n * d }, () => Math.floor(rng() * 256));
    const want = direct(data, n, d, 1 / 255);
    const ints = await covarianceMatrix(data, n, d, { scale: 1 / 255 });
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(ints.cov[i] - want[i]));
    expect(worst).toBeLessThan(1e-12);
  });
});

describe('pcaEigen on a 620 x 620 covariance (randomized block Krylov path)', () => {
  const n = 1000;
  const m = 620;
  let cov: Float64Array;
  let exact: ReturnType<typeof symmetricEigen>;
  let total = 0;
  beforeAll(async () => {
    const data = structuredData(n, m, 60, 7, 0.93);
    cov = (await covarianceMatrix(data, n, m)).cov;
    exact = symmetricEigen(cov, m);
    for (let a = 0; a < m; a++) total += cov[a * m + a];
  });

  it('finds the leading components of the exact solution, deterministically', async () => {
    const before = tf.memory().numTensors;
    const r = await pcaEigen(cov, m, 20, total, mulberry32(1), {});
    expect(tf.memory().numTensors).toBe(before);
    expect(r.method).toBe('randomized');
    for (let c = 0; c < 20; c++) {
      expect(Math.abs(r.values[c] - exact.values[c]) / exact.values[c]).toBeLessThan(1e-3);
      if (c < 10) expect(Math.abs(dot(row(r.vectors, c, m), row(exact.vectors, c, m)))).toBeGreaterThan(0.999);
    }
    const again = await pcaEigen(cov, m, 20, total, mulberry32(1), {});
    expect(again.vectors).toEqual(r.vectors);
  });

  it('grows the space until a variance fraction is reached and picks the exact k', async () => {
    let cum = 0;
    let exactK = 0;
    while (cum / total <= 0.9) cum += exact.values[exactK++];
    const r = await pcaEigen(cov, m, { varianceFraction: 0.9 }, total, mulberry32(2), {});
    expect(r.method).toBe('randomized');
    expect(Math.abs(r.k - exactK)).toBeLessThanOrEqual(1);
    expect(r.values.length).toBe(r.k);
  });

  it('copes with a covariance of lower rank than the Krylov space (deflation)', async () => {
    // rank 12, asked for 10 components: the space (30 columns) runs out of directions.
    const g = new Float64Array(12 * m);
    fillGaussian(g, mulberry32(4));
    const low = new Float64Array(m * m);
    for (let l = 0; l < 12; l++)
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) low[a * m + b] += 0.8 ** l * g[l * m + a] * g[l * m + b];
    let trace = 0;
    for (let a = 0; a < m; a++) trace += low[a * m + a];
    const ref = symmetricEigen(low, m);
    const r = await pcaEigen(low, m, 10, trace, mulberry32(3), {});
    expect(r.method).toBe('randomized');
    for (let c = 0; c < 10; c++) {
      expect(Math.abs(r.values[c] - ref.values[c]) / ref.values[c]).toBeLessThan(1e-4);
      expect(Math.abs(dot(row(r.vectors, c, m), row(ref.vectors, c, m)))).toBeGreaterThan(0.999);
    }
  });
});
