/**
 * Eigenvectors of a symmetric tridiagonal matrix for chosen eigenvalues, by
 * inverse iteration (the method of LAPACK's dstein): factor T - lambda I with
 * partial pivoting, solve from a random start a few times, and orthogonalise
 * against the vectors already found for nearby eigenvalues.
 *
 * Why: the Rayleigh-Ritz step of the randomized PCA needs all eigenvalues of
 * its L x L matrix (to count components for a variance fraction) but vectors
 * for only the leading half. Rotating all L basis vectors through every QL
 * sweep costs ~6 L^3 flops (2.3 s of 4.5 s at L = 1,026 in JavaScript); this
 * costs O(count * L) plus the orthogonalisation within clusters.
 */
import { mulberry32 } from '../random.ts';

/**
 * Eigenvalues closer than this times ||T|| are one cluster, whose vectors are orthogonalised
 * against each other. dstein uses 1e-3; outside a cluster two computed vectors are orthogonal
 * to about eps ||T|| / gap <= 2e-10, and the PCA spectrum's tail (all below 1e-3 ||T||) would
 * otherwise be one cluster of hundreds of vectors.
 */
const CLUSTER = 1e-6;
const ITERATIONS = 3;

/**
 * `diag` (n) and `off` (n; off[i] couples rows i and i+1, off[n-1] unused) describe T;
 * `lambdas` are eigenvalues of T in descending order. Returns one unit vector per
 * lambda, row-major (lambdas.length x n).
 */
export function tridiagonalVectors(
  diag: Float64Array,
  off: Float64Array,
  n: number,
  lambdas: Float64Array,
): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++)
    norm = Math.max(norm, Math.abs(diag[i]) + Math.abs(i > 0 ? off[i - 1] : 0) + Math.abs(i < n - 1 ? off[i] : 0));
  const tiny = Math.max(norm, Number.MIN_VALUE) * 2 ** -52;
  const out = new Float64Array(lambdas.length * n);
  const rng = mulberry32(7);
  const lu = new TridiagonalLu(n);
  const x = new Float64Array(n);
  let clusterStart = 0;
  for (let j = 0; j < lambdas.length; j++) {
    if (j > 0 && lambdas[j - 1] - lambdas[j] > CLUSTER * norm) clusterStart = j;
    // Shifts of equal eigenvalues are spread a little, as dstein does, so each factorisation differs.
    const shift = lambdas[j] + (j > clusterStart && lambdas[j] === lambdas[j - 1] ? (j - clusterStart) * 10 * tiny : 0);
    lu.factor(diag, off, shift, tiny);
    for (let i = 0; i < n; i++) x[i] = rng() - 0.5;
    for (let it = 0; it < ITERATIONS; it++) {
      lu.solve(x);
      for (let p = clusterStart; p < j; p++) subtractProjection(x, out, p * n, n);
      normalise(x);
    }
    out.set(x, j * n);
  }
  return out;
}

function subtractProjection(x: Float64Array, basis: Float64Array, offset: number, n: number): void {
  let dot = 0;
  for (let i = 0; i < n; i++) dot += x[i] * basis[offset + i];
  for (let i = 0; i < n; i++) x[i] -= dot * basis[offset + i];
}

function normalise(x: Float64Array): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < x.length; i++) x[i] *= inv;
}

/** LU of a tridiagonal matrix with row interchanges (as LAPACK's dgttrf), reused for several solves. */
class TridiagonalLu {
  private readonly dl: Float64Array; // multipliers
  private readonly d: Float64Array; // U diagonal
  private readonly du: Float64Array; // U first superdiagonal
  private readonly du2: Float64Array; // U second superdiagonal (fill from interchanges)
  private readonly swap: Uint8Array;

  constructor(private readonly n: number) {
    this.dl = new Float64Array(n);
    this.d = new Float64Array(n);
    this.du = new Float64Array(n);
    this.du2 = new Float64Array(n);
    this.swap = new Uint8Array(n);
  }

  /** Factors T - shift I; a zero pivot becomes `tiny` (the matrix is singular by design: shift is an eigenvalue). */
  factor(diag: Float64Array, off: Float64Array, shift: number, tiny: number): void {
    const { n, dl, d, du, du2, swap } = this;
    for (let i = 0; i < n; i++) {
      d[i] = diag[i] - shift;
      du[i] = i < n - 1 ? off[i] : 0;
      dl[i] = i < n - 1 ? off[i] : 0; // sub-diagonal entry below row i
      du2[i] = 0;
      swap[i] = 0;
    }
    for (let i = 0; i < n - 1; i++) {
      if (Math.abs(d[i]) >= Math.abs(dl[i])) {
        if (d[i] === 0) d[i] = tiny;
        const f = dl[i] / d[i];
        dl[i] = f;
        d[i + 1] -= f * du[i];
      } else {
        // Swap rows i and i+1.
        const f = d[i] / dl[i];
        d[i] = dl[i];
        dl[i] = f;
        const t = du[i];
        du[i] = d[i + 1];
        d[i + 1] = t - f * d[i + 1];
        if (i < n - 2) {
          du2[i] = du[i + 1];
          du[i + 1] = -f * du[i + 1];
        }
        swap[i] = 1;
      }
    }
    if (d[n - 1] === 0) d[n - 1] = tiny;
  }

  /** Overwrites b with (T - shift I)^-1 b. */
  solve(b: Float64Array): void {
    const { n, dl, d, du, du2, swap } = this;
    for (let i = 0; i < n - 1; i++) {
      if (swap[i]) {
        const t = b[i];
        b[i] = b[i + 1];
        b[i + 1] = t - dl[i] * b[i + 1];
      } else {
        b[i + 1] -= dl[i] * b[i];
      }
    }
    b[n - 1] /= d[n - 1];
    if (n > 1) b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) / d[n - 2];
    for (let i = n - 3; i >= 0; i--) b[i] = (b[i] - du[i] * b[i + 1] - du2[i] * b[i + 2]) / d[i];
  }
}
