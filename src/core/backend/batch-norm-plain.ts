/**
 * The first, plain loops of the training batch norm (two passes for the statistics, one per
 * output), kept as the reference that batch-norm-loops.ts is tested against
 * (test/core/backend/batch-norm-loops.test.ts) and timed against (bench/batch-norm-loops.ts,
 * and in training by bench/train.ts --ab bn-loops).
 */
/** y, and the batch mean and (biased) variance per channel, of x viewed as [rows, c]. */
export function batchNormTrainForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
  y: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
): void {
  const c = gamma.length;
  const rows = x.length / c;
  const sum = new Float64Array(c);
  for (let i = 0, o = 0; i < rows; i++, o += c) for (let k = 0; k < c; k++) sum[k] += x[o + k];
  for (let k = 0; k < c; k++) mean[k] = sum[k] / rows;
  // Two-pass variance: sum((x - mean)^2), as tf.moments computes it (no cancellation).
  sum.fill(0);
  for (let i = 0, o = 0; i < rows; i++, o += c)
    for (let k = 0; k < c; k++) {
      const d = x[o + k] - mean[k];
      sum[k] += d * d;
    }
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    variance[k] = sum[k] / rows;
    scale[k] = gamma[k] / Math.sqrt(variance[k] + eps);
    shift[k] = beta[k] - mean[k] * scale[k];
  }
  for (let i = 0, o = 0; i < rows; i++, o += c) for (let k = 0; k < c; k++) y[o + k] = x[o + k] * scale[k] + shift[k];
}

/** dx, dgamma, dbeta of training-mode batch norm (see the file comment). */
export function batchNormTrainBackward(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  eps: number,
  dx: Float32Array,
  dgamma: Float32Array,
  dbeta: Float32Array,
): void {
  const c = gamma.length;
  const rows = x.length / c;
  const sdy = new Float64Array(c);
  const sdyx = new Float64Array(c);
  for (let i = 0, o = 0; i < rows; i++, o += c) {
    for (let k = 0; k < c; k++) {
      const g = dy[o + k];
      sdy[k] += g;
      sdyx[k] += g * (x[o + k] - mean[k]);
    }
  }
  // dx = a * dy + b * x + d per channel, folded from the formula above.
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  const d = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const rstd = 1 / Math.sqrt(variance[k] + eps);
    dbeta[k] = sdy[k];
    dgamma[k] = sdyx[k] * rstd;
    a[k] = gamma[k] * rstd;
    b[k] = (-gamma[k] * rstd * rstd * rstd * sdyx[k]) / rows;
    d[k] = (-a[k] * sdy[k]) / rows - b[k] * mean[k];
  }
  for (let i = 0, o = 0; i < rows; i++, o += c)
    for (let k = 0; k < c; k++) dx[o + k] = a[k] * dy[o + k] + b[k] * x[o + k] + d[k];
}
