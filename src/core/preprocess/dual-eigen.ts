/**
 * PCA through the n x n Gram matrix of the samples, for data with fewer
 * samples than features (small folders, the paper preset on a sample): the
 * non-zero eigenpairs of Y^T Y and Y Y^T are the same, so eigendecomposing
 * the smaller matrix is exact and much cheaper. Components beyond the rank
 * of the data (variance 0) are completed with an orthonormal basis of the
 * rest of the space, as the covariance route would return.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled } from '../errors.ts';
import { fillGaussian, type Rng } from '../random.ts';
import type { TaskOptions } from '../task.ts';
import { orthonormalize } from './orthonormalize.ts';
import { componentsForFraction, type ComponentRequest, type PcaEigen } from './pca-eigen.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

export interface DualInput {
  data: Float32Array | Uint8Array;
  n: number;
  d: number;
  /** Used columns (m) and, per column, its weight (sqrt of its copies) or null. */
  features: Int32Array;
  weights: Float64Array | null;
  /** Scaled mean per used column. */
  mean: Float64Array;
  scale: number;
}

export async function dualEigen(
  input: DualInput,
  want: ComponentRequest,
  rng: Rng,
  task: TaskOptions,
): Promise<PcaEigen & { total: number }> {
  const { data, n, d, features, weights, mean, scale } = input;
  const m = features.length;
  const y = new Float32Array(n * m);
  const yt = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < m; f++) {
      const v = (data[i * d + features[f]] * scale - mean[f]) * (weights ? weights[f] : 1);
      y[i * m + f] = v;
      yt[f * n + i] = v;
    }
  }
  const gramT = tf.tidy(() => tf.matMul(tf.tensor2d(y, [n, m]), tf.tensor2d(yt, [m, n])));
  const gram = Float64Array.from((await gramT.data()) as Float32Array);
  gramT.dispose();
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++)
      gram[i * n + j] = gram[j * n + i] = (0.5 * (gram[i * n + j] + gram[j * n + i])) / (n - 1);
    gram[i * n + i] /= n - 1;
    total += gram[i * n + i];
  }
  throwIfCancelled(task.signal);
  task.onProgress?.({
    stage: 'pca',
    fraction: 0.5,
    message: `eigendecomposition of the ${n} x ${n} sample Gram matrix`,
  });
  const eig = symmetricEigen(gram, n);
  const k =
    typeof want === 'number'
      ? Math.min(want, m)
      : (componentsForFraction(eig.values, total, want.varianceFraction) ?? m);
  let rank = 0;
  while (rank < Math.min(k, n) && eig.values[rank] > 1e-9 * eig.values[0]) rank++;
  // Component j = Y^T u_j / sqrt((n-1) lambda_j).
  const u = new Float32Array(rank * n);
  for (let j = 0; j < rank; j++) {
    const s = 1 / Math.sqrt((n - 1) * eig.values[j]);
    for (let i = 0; i < n; i++) u[j * n + i] = eig.vectors[j * n + i] * s;
  }
  const vectors = new Float32Array(k * m);
  const values = new Float64Array(k);
  if (rank > 0) {
    const w = tf.tidy(() => tf.matMul(tf.tensor2d(u, [rank, n]), tf.tensor2d(y, [n, m])));
    vectors.set((await w.data()) as Float32Array);
    w.dispose();
    for (let j = 0; j < rank; j++) values[j] = eig.values[j];
  }
  if (k > rank) vectors.set(await complete(vectors.subarray(0, rank * m), rank, k - rank, m, rng), rank * m);
  return { values, vectors, k, method: 'exact', total };
}

/** `count` orthonormal rows orthogonal to the `rank` given rows (m-dimensional). */
async function complete(rows: Float32Array, rank: number, count: number, m: number, rng: Rng): Promise<Float32Array> {
  const g = new Float32Array(m * count);
  fillGaussian(g, rng);
  let block: tf.Tensor = tf.tensor2d(g, [m, count]);
  if (rank > 0) {
    const basis = tf.tensor2d(rows, [rank, m]);
    const basisT = tf.transpose(basis);
    for (let pass = 0; pass < 2; pass++) {
      const next = tf.tidy(() => tf.sub(block, tf.matMul(basisT, tf.matMul(basis, block))));
      block.dispose();
      block = next;
    }
    basis.dispose();
    basisT.dispose();
  }
  const q = orthonormalize(block);
  const t = tf.transpose(q);
  const out = (await t.data()) as Float32Array;
  q.dispose();
  t.dispose();
  return out;
}
