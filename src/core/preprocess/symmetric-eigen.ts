/**
 * Dense symmetric eigendecomposition in Float64: Householder tridiagonalisation
 * followed by the implicit QL algorithm (the classic tred2/tql2 pair, as in
 * EISPACK/JAMA). Used for the small Rayleigh-Ritz problems of the randomized PCA
 * and for exact PCA when there are few features.
 *
 * The working matrix is stored transposed (row j holds column j of the textbook
 * version) so every inner loop walks contiguous memory instead of the
 * original's cache-hostile column walks.
 *
 * symmetricEigenLeading skips the QL rotations of the basis (the costliest
 * part) when only the leading vectors are wanted: tridiagonal-vectors.ts.
 */
import { tridiagonalVectors } from './tridiagonal-vectors.ts';

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as rows (row i belongs to values[i]), n x n row-major. */
  vectors: Float64Array;
}

/** `a` is an n x n symmetric matrix, row-major; it is not modified. */
export function symmetricEigen(a: Float64Array | Float32Array, n: number): SymmetricEigen {
  const { w, d, e } = tridiagonalForm(a, n, 'symmetricEigen');
  if (n > 0) tridiagonalQl(w, d, e, n);
  return sortDescending(w, d, n);
}

/** A copy of `a` reduced to tridiagonal form: diagonal d, sub-diagonal e[1..], basis rows in w. */
function tridiagonalForm(
  a: Float64Array | Float32Array,
  n: number,
  caller: string,
): { w: Float64Array; d: Float64Array; e: Float64Array } {
  if (a.length !== n * n) throw new Error(`${caller}: expected ${n * n} values, got ${a.length}`);
  const w = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) tridiagonalize(w, d, e, n);
  return { w, d, e };
}

/** Leading eigenvectors as coefficients in a basis: vector i = sum_j coefficients[i][j] * basis row j. */
export interface LeadingEigen {
  /** All n eigenvalues, descending. */
  values: Float64Array;
  k: number;
  /** k x n, row-major. */
  coefficients: Float64Array;
  /** n x n orthogonal basis (rows), or null for the identity. */
  basis: Float64Array | null;
}

/**
 * All eigenvalues of `a` (descending) but eigenvectors only for the leading `pick(values)`
 * of them: QL without rotating the basis (O(n^2)) gives the values, inverse iteration on the
 * tridiagonal matrix the chosen vectors, as coefficients in the Householder basis (the caller
 * multiplies them out, e.g. with fast float32 products). When more than half the vectors are
 * wanted, the plain QL with vectors is used.
 */
export function symmetricEigenLeading(
  a: Float64Array | Float32Array,
  n: number,
  pick: (values: Float64Array) => number,
): LeadingEigen {
  const { w, d, e } = tridiagonalForm(a, n, 'symmetricEigenLeading');
  if (n === 0) return { values: d, k: 0, coefficients: d, basis: null };
  const diag = d.slice();
  const off = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) off[i] = e[i + 1];
  const values = d.slice();
  tridiagonalQl(null, values, e.slice(), n);
  values.sort((x, y) => y - x);
  const k = Math.max(0, Math.min(n, Math.floor(pick(values))));
  if (k > n / 2) {
    tridiagonalQl(w, d, e, n);
    const full = sortDescending(w, d, n);
    return { values: full.values, k, coefficients: full.vectors.slice(0, k * n), basis: null };
  }
  // Row j of w is column j of the Householder basis Q; an eigenvector of `a` is Q z.
  return { values, k, coefficients: tridiagonalVectors(diag, off, n, values.subarray(0, k)), basis: w };
}

/** The eigenvectors of a LeadingEigen multiplied out (k x n), in Float64. */
export function leadingVectors(eig: LeadingEigen, n: number): Float64Array {
  if (!eig.basis) return eig.coefficients;
  const vectors = new Float64Array(eig.k * n);
  for (let i = 0; i < eig.k; i++) {
    const out = vectors.subarray(i * n, (i + 1) * n);
    for (let j = 0; j < n; j++) {
      const zj = eig.coefficients[i * n + j];
      const row = j * n;
      for (let c = 0; c < n; c++) out[c] += zj * eig.basis[row + c];
    }
  }
  return vectors;
}

function tridiagonalize(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  // w[b*n + a] plays the role of V[a][b] in tred2.
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j];
        w[i * n + j] = f;
        g = e[j] + w[row + j] * f;
        for (let k = j + 1; k < i; k++) {
          const v = w[row + k];
          g += v * d[k];
          e[k] += v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k < i; k++) w[row + k] -= f * e[k] + g * d[k];
        d[j] = w[row + i - 1];
        w[row + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the Householder reflections into w (still transposed).
  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i];
    w[i * n + i] = 1;
    const h = d[i + 1];
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[next + k] * w[row + k];
        for (let k = 0; k <= i; k++) w[row + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[next + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[n * n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on (d, e); rotates the basis rows of `w` too unless it is null (eigenvalues only). */
function tridiagonalQl(w: Float64Array | null, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 100) throw new Error('symmetricEigen: QL iteration did not converge (NaN or Inf in the input?)');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.sqrt(p * p + 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.sqrt(p * p + e[i] * e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          // Rotate basis vectors i and i+1 (rows of w).
          if (!w) continue;
          const ri = i * n;
          const rj = ri + n;
          for (let k = 0; k < n; k++) {
            const hk = w[rj + k];
            const vk = w[ri + k];
            w[rj + k] = s * vk + c * hk;
            w[ri + k] = c * vk - s * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

function sortDescending(w: Float64Array, d: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b] - d[a]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    vectors.set(w.subarray(src * n, src * n + n), dst * n);
  });
  return { values, vectors };
}
