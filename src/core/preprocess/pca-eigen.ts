/**
 * Picks how to eigendecompose the covariance matrix for PCA:
 * - exact dense Householder + QL (Float64 JS) when the matrix is small or most
 *   of its spectrum is wanted: O(m^3) but exact and needs no tuning;
 * - randomized block Krylov (tfjs products, block-krylov.ts) for the leading
 *   part of a large matrix. On FER2013 (2,304 features) a Krylov space of 2k+10
 *   dimensions built in 20 blocks gave every one of the top k eigenvalues within
 *   3e-3 relative (the leading ones far closer) and the captured variance within
 *   1e-5 of the exact solver's, for k = 256 and k = 470.
 *   For a variance fraction the space grows until the fraction is reached
 *   inside its trusted (first) half.
 */
import type { Rng } from '../random.ts';
import type { TaskOptions } from '../task.ts';
import { createKrylovSpace, type EigenPairs } from './block-krylov.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** Below this size the exact solver is fast (~1 s at 600 on one core). */
const EXACT_MAX = 600;
/** When the Krylov space would exceed this share of the matrix, the exact solver is as fast. */
const EXACT_SHARE = 0.6;
/** Blocks per Krylov space: more, thinner blocks raise the polynomial degree for the same size. */
const STEPS = 20;

export type ComponentRequest = number | { varianceFraction: number };

export interface PcaEigen extends EigenPairs {
  /** Components to keep (at most m; the caller adds zero-variance ones for copied features). */
  k: number;
  method: 'exact' | 'randomized';
}

/** Krylov dimension that resolves the top k eigenpairs. */
export function krylovSize(k: number): number {
  return 2 * k + 10;
}

/** Smallest k whose cumulative variance exceeds `fraction` of the total (scikit-learn's rule). */
export function componentsForFraction(values: ArrayLike<number>, total: number, fraction: number): number | null {
  let cum = 0;
  for (let j = 0; j < values.length; j++) {
    cum += values[j];
    if (cum / total > fraction) return j + 1;
  }
  return null;
}

export async function pcaEigen(
  cov: Float64Array,
  m: number,
  want: ComponentRequest,
  total: number,
  rng: Rng,
  task: TaskOptions,
): Promise<PcaEigen> {
  const fraction = typeof want === 'number' ? null : want.varianceFraction;
  let size = krylovSize(fraction === null ? Math.min(m, want as number) : Math.min(192, Math.ceil(m / 8)));
  if (m > EXACT_MAX && size <= EXACT_SHARE * m) {
    const space = createKrylovSpace(cov, m, Math.max(8, Math.ceil(size / STEPS)), rng);
    try {
      for (;;) {
        await space.extend(size, task);
        if (fraction === null) {
          const pairs = await space.ritz(want as number);
          return {
            values: pairs.values.slice(0, want as number),
            vectors: pairs.vectors,
            k: want as number,
            method: 'randomized',
          };
        }
        const trusted = Math.floor((space.size - 10) / 2);
        // Vectors only once the fraction is reached inside the trusted part (none for a round that grows the space).
        let k: number | null = null;
        const pairs = await space.ritz(
          (values) => (k = componentsForFraction(values.subarray(0, trusted), total, fraction)) ?? 0,
        );
        if (k !== null) return { values: pairs.values.slice(0, k), vectors: pairs.vectors, k, method: 'randomized' };
        size = krylovSize(estimateK(pairs.values, trusted, total, fraction));
        if (size > EXACT_SHARE * m) break;
      }
    } finally {
      space.dispose();
    }
  }
  task.onProgress?.({
    stage: 'pca',
    fraction: 0.5,
    message: `eigendecomposition of the ${m} x ${m} covariance matrix`,
  });
  const { values, vectors } = symmetricEigen(cov, m);
  for (let j = 0; j < m; j++) values[j] = Math.max(0, values[j]);
  const k = fraction === null ? Math.min(want as number, m) : (componentsForFraction(values, total, fraction) ?? m);
  return { values: values.slice(0, k), vectors: Float32Array.from(vectors.subarray(0, k * m)), k, method: 'exact' };
}

/**
 * Guess how many components reach `fraction`, extrapolating the trusted
 * eigenvalues as a power law (image spectra decay roughly as j^-a), with at
 * least 1.6x growth so a bad guess costs few rounds.
 */
function estimateK(values: Float64Array, trusted: number, total: number, fraction: number): number {
  let cum = 0;
  for (let j = 0; j < trusted; j++) cum += values[j];
  const j0 = Math.max(1, Math.floor(trusted / 4));
  const last = Math.max(values[trusted - 1], 1e-300);
  const slope = Math.log(last / Math.max(values[j0 - 1], 1e-300)) / Math.log(trusted / j0);
  let j = trusted;
  while (cum / total <= fraction && j < 1e6) {
    j++;
    cum += last * (j / trusted) ** slope;
  }
  return Math.max(Math.ceil(trusted * 1.6), Math.ceil(j * 1.1));
}
