/**
 * Centered Gram matrix Xc^T Xc of float data with tfjs matrix products, in
 * row chunks so memory stays bounded. (uint8 data takes the exact integer
 * kernel of int-gram.ts instead, ~2x faster.)
 *
 * Only the block upper triangle is multiplied (4 column blocks = 62.5 % of
 * the full product). The left operand is transposed in JS because the wasm
 * backend's transposeA path is ~15x slower than its XNNPACK plain product
 * (measured: 0.8 vs 12-18 GFLOP/s).
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled } from '../errors.ts';
import type { TaskOptions } from '../task.ts';

export interface FloatGramPlan {
  n: number;
  d: number;
  features: Int32Array;
  /** Per used feature, already scaled. */
  mean: Float64Array;
  scale: number;
  chunkRows: number;
  blocks: number;
}

/** sum_i (x_ia*scale - mean_a)(x_ib*scale - mean_b), m x m, symmetric. */
export async function floatGram(
  data: Float32Array | Uint8Array,
  plan: FloatGramPlan,
  task: TaskOptions = {},
): Promise<Float64Array> {
  const m = plan.features.length;
  const gram = new Float64Array(m * m);
  for (let i0 = 0; i0 < plan.n; i0 += plan.chunkRows) {
    throwIfCancelled(task.signal);
    const r = Math.min(plan.chunkRows, plan.n - i0);
    await accumulateChunk(data, plan, i0, r, gram);
    task.onProgress?.({ stage: 'pca', fraction: (i0 + r) / plan.n, message: 'covariance matrix' });
  }
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) gram[b * m + a] = gram[a * m + b];
  return gram;
}

async function accumulateChunk(
  data: Float32Array | Uint8Array,
  plan: FloatGramPlan,
  i0: number,
  r: number,
  gram: Float64Array,
): Promise<void> {
  const m = plan.features.length;
  const nb = Math.max(1, Math.min(plan.blocks, Math.floor(m / 64) || 1));
  const { rows, cols } = centeredChunk(data, plan, i0, r);
  const bounds = Array.from({ length: nb + 1 }, (_, b) => Math.round((b * m) / nb));
  for (let b = 0; b < nb; b++) {
    const b0 = bounds[b];
    const w = bounds[b + 1] - b0;
    const width = m - b0;
    let right = rows;
    if (b0 > 0) {
      right = new Float32Array(r * width);
      for (let t = 0; t < r; t++) right.set(rows.subarray(t * m + b0, t * m + m), t * width);
    }
    const prod = tf.tidy(() =>
      tf.matMul(tf.tensor2d(cols.subarray(b0 * r, (b0 + w) * r), [w, r]), tf.tensor2d(right, [r, width])),
    );
    const values = (await prod.data()) as Float32Array;
    prod.dispose();
    for (let a = 0; a < w; a++) {
      const dst = (b0 + a) * m + b0;
      const src = a * width;
      for (let c = 0; c < width; c++) gram[dst + c] += values[src + c];
    }
  }
}

/** Centered chunk, row-major (r x m) and transposed (m x r). */
function centeredChunk(
  data: Float32Array | Uint8Array,
  plan: FloatGramPlan,
  i0: number,
  r: number,
): { rows: Float32Array; cols: Float32Array } {
  const { d, features, scale, mean } = plan;
  const m = features.length;
  const rows = new Float32Array(r * m);
  const cols = new Float32Array(r * m);
  for (let t = 0; t < r; t++) {
    const src = (i0 + t) * d;
    const dst = t * m;
    for (let f = 0; f < m; f++) rows[dst + f] = data[src + features[f]] * scale - mean[f];
  }
  // Blocked transpose keeps both sides in cache.
  const B = 64;
  for (let t0 = 0; t0 < r; t0 += B) {
    const t1 = Math.min(r, t0 + B);
    for (let f0 = 0; f0 < m; f0 += B) {
      const f1 = Math.min(m, f0 + B);
      for (let f = f0; f < f1; f++) {
        const dst = f * r;
        for (let t = t0; t < t1; t++) cols[dst + t] = rows[t * m + f];
      }
    }
  }
  return { rows, cols };
}
