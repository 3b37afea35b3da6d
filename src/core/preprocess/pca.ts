/**
 * Principal component analysis for image features, fast at FER2013 scale
 * (measured against scikit-learn by bench/pca.ts).
 *
 * fitPca:
 * 1. features that are exact copies of another (the paper preset's
 *    gray-replicated RGB) are folded: with E the d x m 0/1 copy matrix and
 *    D = diag(copies), C = E C_u E^T, whose non-zero eigenpairs are those of
 *    D^1/2 C_u D^1/2 mapped back by v = E D^-1/2 w; the rest of the space has
 *    variance exactly 0 (Helmert contrasts within each group);
 * 2. with more samples than features: the covariance matrix (covariance.ts,
 *    exact integer SIMD kernel for uint8) and its leading eigenvectors
 *    (pca-eigen.ts: exact for small matrices, randomized block Krylov for
 *    large ones); with fewer: the samples' Gram matrix (dual-eigen.ts).
 *
 * Inputs may be float32, or uint8 with a `scale` (1/255 for pixels) so the
 * full train set never needs a float copy.
 */
import { availableParallelism } from 'node:os';
import { FerError, throwIfCancelled } from '../errors.ts';
import { mulberry32 } from '../random.ts';
import type { TaskOptions } from '../task.ts';
import { columnMeans, covarianceMatrix } from './covariance.ts';
import { dualEigen } from './dual-eigen.ts';
import { findDuplicateFeatures, type FeatureGroups } from './duplicate-features.ts';
import { pcaEigen, type ComponentRequest, type PcaEigen } from './pca-eigen.ts';

export type { ComponentRequest } from './pca-eigen.ts';
export type PcaInput = Float32Array | Uint8Array;

export interface PcaModel {
  /** Mean of the (scaled) inputs, d. */
  mean: Float32Array;
  /** k x d, row-major; rows orthonormal, by decreasing variance; largest entry of each row positive. */
  components: Float32Array;
  explainedVariance: Float32Array;
  explainedVarianceRatio: Float32Array;
  totalVariance: number;
  k: number;
  d: number;
  /** How the eigenvectors were found (absent on models read back from disk). */
  solver?: 'exact' | 'randomized';
}

export interface PcaOptions extends TaskOptions {
  /** Seed of the random start of the randomized solver (results are deterministic given it). */
  seed?: number;
  /** Inputs are multiplied by this before fitting/transforming (e.g. 1/255 for uint8 pixels). */
  scale?: number;
  /**
   * Threads for the covariance pass over uint8 data (default: 2 where the machine has 2 cores).
   * The result does not depend on it: the sums are exact integers.
   */
  threads?: number;
}

/** Largest covariance (or sample Gram) matrix fitPca builds: 6144^2 float64 = 288 MB. */
const MAX_MATRIX = 6144;

export async function fitPca(
  data: PcaInput,
  n: number,
  d: number,
  want: ComponentRequest,
  opts: PcaOptions = {},
): Promise<PcaModel> {
  validate(data, n, d, want);
  throwIfCancelled(opts.signal);
  const report = (f: number, lo: number, hi: number, message?: string): void =>
    opts.onProgress?.({ stage: 'pca', fraction: lo + (hi - lo) * f, message });
  report(0, 0, 1, 'looking for duplicated features');
  const groups = findDuplicateFeatures(data, n, d);
  const features = groups?.representative ?? Int32Array.from({ length: d }, (_, j) => j);
  const m = features.length;
  if (Math.min(n, m) > MAX_MATRIX) {
    throw new FerError(
      `PCA on ${m} features needs a ${m} x ${m} matrix (${Math.round((m * m * 8) / 2 ** 20)} MB); use smaller images (--size)`,
      { kind: 'usage' },
    );
  }
  const scale = opts.scale ?? 1;
  const rng = mulberry32(opts.seed ?? 42);
  let eig: PcaEigen;
  let mean: Float64Array;
  let total: number;
  if (n - 1 < m) {
    // Fewer samples than features: the n x n sample Gram matrix is the smaller problem.
    mean = columnMeans(data, n, d, features, scale);
    const weights = groups ? Float64Array.from(groups.counts, Math.sqrt) : null;
    ({ total, ...eig } = await dualEigen({ data, n, d, features, weights, mean, scale }, want, rng, {
      signal: opts.signal,
      onProgress: (p) => report(p.fraction, 0.02, 1, p.message),
    }));
  } else {
    const c = await covarianceMatrix(data, n, d, {
      features,
      scale,
      threads: opts.threads ?? Math.min(2, availableParallelism()),
      signal: opts.signal,
      onProgress: (p) => report(p.fraction, 0.02, 0.7, p.message),
    });
    mean = c.mean;
    if (groups) foldCopies(c.cov, m, groups.counts);
    total = 0;
    for (let a = 0; a < m; a++) total += c.cov[a * m + a];
    requireVariance(total);
    throwIfCancelled(opts.signal);
    eig = await pcaEigen(c.cov, m, want, total, rng, {
      signal: opts.signal,
      onProgress: (p) => report(p.fraction, 0.7, 1, p.message),
    });
  }
  requireVariance(total);
  const k = typeof want === 'number' ? want : eig.k;
  const components = new Float32Array(k * d);
  const variance = new Float32Array(k);
  const kept = Math.min(k, m);
  for (let c = 0; c < kept; c++) {
    const w = eig.vectors.subarray(c * m, (c + 1) * m);
    const row = components.subarray(c * d, (c + 1) * d);
    if (groups) for (let j = 0; j < d; j++) row[j] = w[groups.groupOf[j]] / Math.sqrt(groups.counts[groups.groupOf[j]]);
    else row.set(w);
    variance[c] = eig.values[c];
  }
  if (k > m && groups) fillContrasts(components.subarray(m * d), k - m, d, groups);
  for (let c = 0; c < k; c++) fixSign(components.subarray(c * d, (c + 1) * d));
  report(1, 0, 1, `${k} components`);
  return {
    mean: expandMean(mean, d, groups),
    components,
    explainedVariance: variance,
    explainedVarianceRatio: variance.map((v) => v / total),
    totalVariance: total,
    k,
    d,
    solver: eig.method,
  };
}

function validate(data: PcaInput, n: number, d: number, want: ComponentRequest): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 2 || d < 1)
    throw new FerError(`PCA needs at least 2 samples (got ${n})`, { kind: 'bad-input' });
  if (data.length < n * d)
    throw new FerError(`PCA data holds ${data.length} values, expected ${n} x ${d}`, { kind: 'bad-input' });
  if (typeof want === 'number') {
    if (!Number.isInteger(want) || want < 1 || want > d)
      throw new FerError(`PCA components must be a whole number from 1 to ${d} (got ${want})`, { kind: 'usage' });
  } else if (!(want.varianceFraction > 0 && want.varianceFraction <= 1)) {
    throw new FerError(`PCA variance fraction must be in (0, 1] (got ${want.varianceFraction})`, { kind: 'usage' });
  }
}

function requireVariance(total: number): void {
  if (!(total > 0)) throw new FerError('PCA needs data that varies: every sample is identical', { kind: 'bad-input' });
}

function foldCopies(cov: Float64Array, m: number, counts: Int32Array): void {
  const root = Float64Array.from(counts, Math.sqrt);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) cov[a * m + b] *= root[a] * root[b];
}

/** Orthonormal basis of the zero-variance directions: within each group of c copies, c-1 Helmert contrasts. */
function fillContrasts(out: Float32Array, count: number, d: number, groups: FeatureGroups): void {
  const members: number[][] = Array.from({ length: groups.counts.length }, () => []);
  for (let j = 0; j < d; j++) members[groups.groupOf[j]].push(j);
  let row = 0;
  for (const group of members) {
    for (let t = 1; t < group.length && row < count; t++, row++) {
      const norm = Math.sqrt(t * (t + 1));
      for (let s = 0; s < t; s++) out[row * d + group[s]] = 1 / norm;
      out[row * d + group[t]] = -t / norm;
    }
  }
}

function expandMean(mean: Float64Array, d: number, groups: FeatureGroups | null): Float32Array {
  if (!groups) return Float32Array.from(mean);
  return Float32Array.from({ length: d }, (_, j) => mean[groups.groupOf[j]]);
}

function fixSign(row: Float32Array): void {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (Math.abs(row[j]) > Math.abs(row[best])) best = j;
  if (row[best] < 0) for (let j = 0; j < row.length; j++) row[j] = -row[j];
}
