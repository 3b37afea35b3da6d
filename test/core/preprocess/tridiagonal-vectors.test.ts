import { describe, expect, it } from 'vitest';
import { leadingVectors, symmetricEigen, symmetricEigenLeading } from '../../../src/core/preprocess/symmetric-eigen.ts';
import { tridiagonalVectors } from '../../../src/core/preprocess/tridiagonal-vectors.ts';
import { mulberry32 } from '../../../src/core/random.ts';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

/** max |A v_i - lambda_i v_i| and max |v_i . v_j - delta_ij| over the k rows of `vectors`. */
function quality(a: Float64Array, n: number, values: ArrayLike<number>, vectors: Float64Array, k: number) {
  let residual = 0;
  let orthogonality = 0;
  for (let i = 0; i < k; i++) {
    const v = vectors.subarray(i * n, (i + 1) * n);
    for (let r = 0; r < n; r++)
      residual = Math.max(residual, Math.abs(dot(a.subarray(r * n, (r + 1) * n), v) - values[i] * v[r]));
    for (let j = 0; j <= i; j++)
      orthogonality = Math.max(
        orthogonality,
        Math.abs(dot(vectors.subarray(j * n, (j + 1) * n), v) - (i === j ? 1 : 0)),
      );
  }
  return { residual, orthogonality };
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng() - 0.5;
  return a;
}

/** Q diag(lambda) Q^T with Q a product of two random reflections: a known, repeated spectrum. */
function withSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length;
  const rng = mulberry32(seed);
  let a = new Float64Array(n * n);
  lambda.forEach((l, j) => (a[j * n + j] = l));
  for (let h = 0; h < 2; h++) {
    const v = Float64Array.from({ length: n }, () => rng() - 0.5);
    const norm = Math.sqrt(dot(v, v));
    v.forEach((x, i) => (v[i] = x / norm));
    const av = Float64Array.from({ length: n }, (_, i) => dot(a.subarray(i * n, (i + 1) * n), v));
    const vav = dot(v, av);
    a = a.map((x, idx) => {
      const i = Math.floor(idx / n);
      const j = idx % n;
      return x - 2 * v[i] * av[j] - 2 * av[i] * v[j] + 4 * vav * v[i] * v[j];
    });
  }
  return a;
}

describe('tridiagonalVectors (inverse iteration)', () => {
  it('finds the known eigenvectors of the 1-D Laplacian', () => {
    const n = 40;
    const lambdas = Float64Array.from({ length: 10 }, (_, j) => 2 - 2 * Math.cos((Math.PI * (n - j)) / (n + 1)));
    const z = tridiagonalVectors(new Float64Array(n).fill(2), new Float64Array(n).fill(-1), n, lambdas);
    for (let j = 0; j < 10; j++) {
      const exact = Float64Array.from({ length: n }, (_, i) => Math.sin(((i + 1) * (n - j) * Math.PI) / (n + 1)));
      const cos = dot(exact, z.subarray(j * n, (j + 1) * n)) / Math.sqrt(dot(exact, exact));
      expect(Math.abs(cos)).toBeGreaterThan(1 - 1e-12);
    }
  });

  it('gives orthonormal vectors for exactly repeated eigenvalues', () => {
    const diag = Float64Array.from([3, 1, 3, 2, 3, 2]);
    const z = tridiagonalVectors(diag, new Float64Array(6), 6, Float64Array.from([3, 3, 3, 2, 2]));
    const a = new Float64Array(36);
    diag.forEach((v, i) => (a[i * 6 + i] = v));
    const q = quality(a, 6, [3, 3, 3, 2, 2], z, 5);
    expect(q.residual).toBeLessThan(1e-12);
    expect(q.orthogonality).toBeLessThan(1e-12);
  });
});

describe('symmetricEigenLeading', () => {
  const cases: [string, Float64Array, number, number][] = [
    ['a random matrix', randomSymmetric(120, 3), 120, 50],
    [
      'a power-law spectrum (like PCA)',
      withSpectrum(
        Array.from({ length: 150 }, (_, j) => (j + 1) ** -1.5),
        5,
      ),
      150,
      70,
    ],
    [
      'repeated eigenvalues',
      withSpectrum(
        Array.from({ length: 100 }, (_, j) => (j < 20 ? 1 : j < 45 ? 0.5 : 1e-3 * (j % 4))),
        7,
      ),
      100,
      50,
    ],
  ];
  for (const [what, a, n, k] of cases) {
    it(`matches the full QL solver on ${what}: same values, accurate orthonormal vectors for the first ${k}`, () => {
      const full = symmetricEigen(a, n);
      const lead = symmetricEigenLeading(a, n, () => k);
      expect(lead.k).toBe(k);
      expect(lead.basis).not.toBeNull(); // the inverse-iteration path, not the fallback
      const norm = Math.abs(full.values[0]) + Math.abs(full.values[n - 1]);
      lead.values.forEach((v, i) => expect(Math.abs(v - full.values[i])).toBeLessThan(1e-13 * norm));
      const q = quality(a, n, lead.values, leadingVectors(lead, n), k);
      expect(q.residual).toBeLessThan(1e-12 * norm);
      expect(q.orthogonality).toBeLessThan(1e-11);
    });
  }

  it('lets the caller choose the count from the values, and falls back to full QL past half', () => {
    const a = randomSymmetric(60, 9);
    const seen: number[] = [];
    const none = symmetricEigenLeading(a, 60, (values) => (seen.push(values.length), 0));
    expect(seen).toEqual([60]);
    expect(none.k).toBe(0);
    const most = symmetricEigenLeading(a, 60, () => 45);
    expect(most.basis).toBeNull();
    const q = quality(a, 60, most.values, leadingVectors(most, 60), 45);
    expect(q.residual).toBeLessThan(1e-12);
  });
});
