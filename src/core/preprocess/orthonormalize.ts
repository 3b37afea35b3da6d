/**
 * Orthonormal basis of a tall block of vectors with tfjs products and a small
 * Float64 Cholesky factorisation (CholeskyQR), which is fast on every backend
 * where Householder QR column by column would not be.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Orthonormal basis of the columns of y (consumed): Cholesky QR with column
 * equilibration, repeated (CholeskyQR2), with a diagonal shift when a pass
 * meets a near-dependent column (shifted CholeskyQR3, Fukaya et al. 2020).
 */
export function orthonormalize(y: tf.Tensor): tf.Tensor {
  let q = y;
  let passes = 2;
  for (let p = 0; p < passes; p++) {
    const l = q.shape[1] as number;
    const g = readMatrixSync(tf.tidy(() => tf.matMul(tf.transpose(q), q)));
    const dinv = new Float64Array(l);
    for (let j = 0; j < l; j++) dinv[j] = g[j * l + j] > 0 ? 1 / Math.sqrt(g[j * l + j]) : 0;
    for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) g[i * l + j] *= dinv[i] * dinv[j];
    for (let j = 0; j < l; j++) if (dinv[j] === 0) g[j * l + j] = 1;
    let r = cholesky(g, l, 0);
    if (!r) {
      r = cholesky(g, l, 1e-5);
      passes = 3;
      if (!r) throw new Error('orthonormalize: Gram matrix is not positive definite (NaN in the data?)');
    }
    const t = inverseUpper(r, l);
    for (let i = 0; i < l; i++) for (let j = i; j < l; j++) t[i * l + j] *= dinv[i];
    const next = tf.tidy(() => tf.matMul(q, tf.tensor2d(Float32Array.from(t), [l, l])));
    q.dispose();
    q = next;
  }
  return q;
}

/** Upper R with R^T R = G + shift*I, or null when a pivot is not positive. */
function cholesky(g: Float64Array, l: number, shift: number): Float64Array | null {
  const r = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    let s = g[i * l + i] + shift;
    for (let k = 0; k < i; k++) s -= r[k * l + i] * r[k * l + i];
    if (!(s > 1e-10)) return null;
    const rii = Math.sqrt(s);
    r[i * l + i] = rii;
    for (let j = i + 1; j < l; j++) {
      let v = g[i * l + j];
      for (let k = 0; k < i; k++) v -= r[k * l + i] * r[k * l + j];
      r[i * l + j] = v / rii;
    }
  }
  return r;
}

function inverseUpper(r: Float64Array, l: number): Float64Array {
  const t = new Float64Array(l * l);
  for (let j = l - 1; j >= 0; j--) {
    t[j * l + j] = 1 / r[j * l + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i * l + k] * t[k * l + j];
      t[i * l + j] = -s / r[i * l + i];
    }
  }
  return t;
}

function readMatrixSync(t: tf.Tensor): Float64Array {
  const v = Float64Array.from(t.dataSync() as Float32Array);
  t.dispose();
  return v;
}
