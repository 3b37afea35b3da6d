/** Applying a fitted PCA: coefficients of new data, and reconstructions from coefficients. */
import * as tf from '@tensorflow/tfjs';
import { FerError } from '../errors.ts';
import type { PcaInput, PcaModel } from './pca.ts';

/** Coefficients (n x k) of each row of `data` (n x d). */
export function transformPca(model: PcaModel, data: PcaInput, n: number, opts: { scale?: number } = {}): Float32Array {
  const { d, k } = model;
  if (data.length < n * d)
    throw new FerError(`PCA expects ${d} features per sample, got ${data.length / Math.max(1, n)}`, {
      kind: 'bad-input',
    });
  const scale = opts.scale ?? 1;
  const out = new Float32Array(n * k);
  const compT = tf.tensor2d(transpose(model.components, k, d), [d, k]);
  const chunk = Math.max(1, Math.min(n, 1024));
  const buf = new Float32Array(chunk * d);
  try {
    for (let i0 = 0; i0 < n; i0 += chunk) {
      const r = Math.min(chunk, n - i0);
      for (let t = 0; t < r; t++) {
        for (let j = 0; j < d; j++) buf[t * d + j] = data[(i0 + t) * d + j] * scale - model.mean[j];
      }
      const y = tf.tidy(() => tf.matMul(tf.tensor2d(buf.subarray(0, r * d), [r, d]), compT));
      out.set(y.dataSync() as Float32Array, i0 * k);
      y.dispose();
    }
  } finally {
    compT.dispose();
  }
  return out;
}

/** Back to feature space (n x d) from coefficients (n x k): the reconstruction. */
export function inverseTransformPca(model: PcaModel, coeffs: Float32Array, n: number): Float32Array {
  const { d, k } = model;
  const y = tf.tidy(() =>
    tf.add(
      tf.matMul(tf.tensor2d(coeffs.subarray(0, n * k), [n, k]), tf.tensor2d(model.components, [k, d])),
      tf.tensor1d(model.mean),
    ),
  );
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
