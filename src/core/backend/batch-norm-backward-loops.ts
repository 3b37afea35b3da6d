/**
 * The backward loops of the training batch norm (see batch-norm-loops.ts for why they are
 * row-blocked and channel-grouped). Groups of two channels here: the backward keeps six
 * constants per channel, and four channels' worth would not fit V8's sixteen float registers.
 * Timed by bench/batch-norm-loops.ts.
 */
import { blockStep, foldScaleShift } from './batch-norm-loops.ts';

/**
 * dx, dgamma, dbeta of training-mode batch norm, the gradient through the batch statistics included.
 * With g = dy (masked where bn(x) <= 0 when `relu`), xhat = (x - mean) * rstd over N rows:
 *   dbeta = sum(g), dgamma = sum(g * xhat), dx = gamma * rstd / N * (N * g - dbeta - xhat * dgamma),
 * in two passes: the sums, then dx = a * g + b * (x - mean) + d per channel.
 */
export function batchNormBackwardLoops(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
  relu: boolean,
  dx: Float32Array,
  dgamma: Float32Array,
  dbeta: Float32Array,
): void {
  const c = gamma.length;
  const n = x.length;
  const rows = n / c;
  const { scale, shift } = foldScaleShift(mean, variance, gamma, beta, eps);
  // The mask multiplies by +(bn(x) > 0), branch-free; without the ReLU, scale 0 and shift 1 make every value pass.
  if (!relu) {
    scale.fill(0);
    shift.fill(1);
  }
  const sg = new Float64Array(c);
  const sgx = new Float64Array(c);
  const step = blockStep(c);
  for (let b0 = 0; b0 < n; b0 += step) {
    const end = Math.min(n, b0 + step);
    for (let k = 0; k < c; k += 2) {
      if (k + 1 === c) {
        const m0 = mean[k],
          a0 = scale[k],
          t0 = shift[k];
        let s0 = 0,
          p0 = 0;
        for (let o = b0 + k; o < end; o += c) {
          const v = x[o];
          const g0 = dy[o] * +(v * a0 + t0 > 0);
          s0 += g0;
          p0 += g0 * (v - m0);
        }
        sg[k] += s0;
        sgx[k] += p0;
        break;
      }
      const m0 = mean[k],
        m1 = mean[k + 1],
        a0 = scale[k],
        a1 = scale[k + 1],
        t0 = shift[k],
        t1 = shift[k + 1];
      let s0 = 0,
        s1 = 0,
        p0 = 0,
        p1 = 0;
      for (let o = b0 + k; o < end; o += c) {
        const v0 = x[o],
          v1 = x[o + 1];
        const g0 = dy[o] * +(v0 * a0 + t0 > 0);
        const g1 = dy[o + 1] * +(v1 * a1 + t1 > 0);
        s0 += g0;
        s1 += g1;
        p0 += g0 * (v0 - m0);
        p1 += g1 * (v1 - m1);
      }
      sg[k] += s0;
      sg[k + 1] += s1;
      sgx[k] += p0;
      sgx[k + 1] += p1;
    }
  }
  const fa = new Float64Array(c);
  const fb = new Float64Array(c);
  const fd = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const rstd = 1 / Math.sqrt(variance[k] + eps);
    dbeta[k] = sg[k];
    dgamma[k] = sgx[k] * rstd;
    fa[k] = gamma[k] * rstd;
    fb[k] = (-gamma[k] * rstd * rstd * rstd * sgx[k]) / rows;
    fd[k] = (-fa[k] * sg[k]) / rows;
  }
  for (let b0 = 0; b0 < n; b0 += step) {
    const end = Math.min(n, b0 + step);
    for (let k = 0; k < c; k += 2) {
      if (k + 1 === c) {
        const m0 = mean[k],
          a0 = scale[k],
          t0 = shift[k],
          f0 = fa[k],
          e0 = fb[k],
          d0 = fd[k];
        for (let o = b0 + k; o < end; o += c) {
          const v = x[o];
          dx[o] = f0 * dy[o] * +(v * a0 + t0 > 0) + e0 * (v - m0) + d0;
        }
        break;
      }
      const m0 = mean[k],
        a0 = scale[k],
        t0 = shift[k],
        f0 = fa[k],
        e0 = fb[k],
        d0 = fd[k];
      const m1 = mean[k + 1],
        a1 = scale[k + 1],
        t1 = shift[k + 1],
        f1 = fa[k + 1],
        e1 = fb[k + 1],
        d1 = fd[k + 1];
      for (let o = b0 + k; o < end; o += c) {
        const v0 = x[o],
          v1 = x[o + 1];
        dx[o] = f0 * dy[o] * +(v0 * a0 + t0 > 0) + e0 * (v0 - m0) + d0;
        dx[o + 1] = f1 * dy[o + 1] * +(v1 * a1 + t1 > 0) + e1 * (v1 - m1) + d1;
      }
    }
  }
}
