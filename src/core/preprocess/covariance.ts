/**
 * Mean and covariance matrix of n samples (rows), the first step of PCA.
 *
 * Why the covariance route: for FER2013 (28,709 x 2,304) one pass over the
 * data computes C = Xc^T Xc / (n-1); every later step works on the d x d
 * matrix instead of re-reading the data, as randomized SVD on X would do ~10x.
 *
 * uint8 data (pixels) takes an exact integer WebAssembly SIMD kernel
 * (int-gram.ts, ~6 CPU-seconds for FER2013); float data takes tfjs products
 * (float-gram.ts, ~2x slower).
 */
import type { TaskOptions } from '../task.ts';
import { floatGram } from './float-gram.ts';
import { intGramAvailable } from './int-gram.ts';
import { intGramThreads } from './int-gram-threads.ts';

export interface CovarianceOptions extends TaskOptions {
  /** Columns to use (default all d); lets PCA skip duplicated features. */
  features?: Int32Array;
  /** Multiplies every value first (1/255 for uint8 pixels). */
  scale?: number;
  /** Force the tfjs path even for uint8 data (tests compare the two). */
  float?: boolean;
  /** Rows per tfjs product (default 2048). */
  chunkRows?: number;
  /** Column blocks of the upper triangle in the tfjs path (default 4). */
  blocks?: number;
  /** Threads for the integer path (default 1; the app and CLI pass 2 where there are 2 cores). */
  threads?: number;
}

export interface Covariance {
  /** Mean of each used feature, scaled (m). */
  mean: Float64Array;
  /** m x m, row-major, divided by n - 1. */
  cov: Float64Array;
  m: number;
}

export async function covarianceMatrix(
  data: Float32Array | Uint8Array,
  n: number,
  d: number,
  opts: CovarianceOptions = {},
): Promise<Covariance> {
  const features = opts.features ?? Int32Array.from({ length: d }, (_, j) => j);
  const m = features.length;
  const scale = opts.scale ?? 1;
  const norm = 1 / Math.max(1, n - 1);
  const task = { signal: opts.signal, onProgress: opts.onProgress };
  if (data instanceof Uint8Array && !opts.float && intGramAvailable()) {
    const { sums, gram } = await intGramThreads(data, n, d, features, opts.threads ?? 1, task);
    // Exact integer sums: subtracting n * mean * mean^T in float64 loses nothing that matters.
    const f = scale * scale * norm;
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) gram[a * m + b] = (gram[a * m + b] - (sums[a] * sums[b]) / n) * f;
    return { mean: sums.map((s) => (s * scale) / n), cov: gram, m };
  }
  const mean = columnMeans(data, n, d, features, scale);
  const gram = await floatGram(
    data,
    {
      n,
      d,
      features,
      mean,
      scale,
      chunkRows: Math.max(1, Math.min(n, opts.chunkRows ?? 2048)),
      blocks: opts.blocks ?? 4,
    },
    task,
  );
  for (let i = 0; i < gram.length; i++) gram[i] *= norm;
  return { mean, cov: gram, m };
}

export function columnMeans(
  data: Float32Array | Uint8Array,
  n: number,
  d: number,
  features: Int32Array,
  scale: number,
): Float64Array {
  const sums = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) sums[j] += data[row + j];
  }
  return Float64Array.from(features, (f) => (sums[f] * scale) / Math.max(1, n));
}
