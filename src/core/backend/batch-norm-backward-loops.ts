/**
 * The backward loops of the training batch norm (see batch-norm-loops.ts for why they are
 * row-blocked and channel-grouped), four channels a group. The sums pass also writes the masked dy
 * into dx, which the dx pass rescales in place: a store more in the first pass, but the second
 * neither reads dy nor recomputes the mask and keeps its 16 constants in registers (timed by
 * bench/batch-norm-loops.ts).
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
  maskedSums(dy, x, mean, scale, shift, sg, sgx, dx);
  const step = blockStep(c);
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
  // dx holds the masked dy from maskedSums: dx = a * g + b * (x - mean) + d, no mask to recompute.
  const c4 = c - (c % 4);
  for (let b0 = 0; b0 < n; b0 += step) {
    const end = Math.min(n, b0 + step);
    for (let k = 0; k < c4; k += 4) {
      const m0 = mean[k],
        f0 = fa[k],
        e0 = fb[k],
        d0 = fd[k];
      const m1 = mean[k + 1],
        f1 = fa[k + 1],
        e1 = fb[k + 1],
        d1 = fd[k + 1];
      const m2 = mean[k + 2],
        f2 = fa[k + 2],
        e2 = fb[k + 2],
        d2 = fd[k + 2];
      const m3 = mean[k + 3],
        f3 = fa[k + 3],
        e3 = fb[k + 3],
        d3 = fd[k + 3];
      for (let o = b0 + k; o < end; o += c) {
        dx[o] = f0 * dx[o] + e0 * (x[o] - m0) + d0;
        dx[o + 1] = f1 * dx[o + 1] + e1 * (x[o + 1] - m1) + d1;
        dx[o + 2] = f2 * dx[o + 2] + e2 * (x[o + 2] - m2) + d2;
        dx[o + 3] = f3 * dx[o + 3] + e3 * (x[o + 3] - m3) + d3;
      }
    }
    for (let k = c4; k < c; k++) {
      const m0 = mean[k],
        f0 = fa[k],
        e0 = fb[k],
        d0 = fd[k];
      for (let o = b0 + k; o < end; o += c) dx[o] = f0 * dx[o] + e0 * (x[o] - m0) + d0;
    }
  }
}

/**
 * sg += sum(g), sgx += sum(g * (x - mean)) per channel, g = dy * +(x * scale + shift > 0), four channels
 * a group; g itself goes to `g` (the dx buffer), so the dx pass neither reads dy nor recomputes the mask.
 */
function maskedSums(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  scale: Float32Array,
  shift: Float32Array,
  sg: Float64Array,
  sgx: Float64Array,
  g: Float32Array,
): void {
  const c = mean.length;
  const n = x.length;
  const step = blockStep(c);
  const c4 = c - (c % 4);
  for (let b0 = 0; b0 < n; b0 += step) {
    const end = Math.min(n, b0 + step);
    for (let k = 0; k < c4; k += 4) {
      const m0 = mean[k],
        m1 = mean[k + 1],
        m2 = mean[k + 2],
        m3 = mean[k + 3];
      const a0 = scale[k],
        a1 = scale[k + 1],
        a2 = scale[k + 2],
        a3 = scale[k + 3];
      const t0 = shift[k],
        t1 = shift[k + 1],
        t2 = shift[k + 2],
        t3 = shift[k + 3];
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        p0 = 0,
        p1 = 0,
        p2 = 0,
        p3 = 0;
      for (let o = b0 + k; o < end; o += c) {
        const v0 = x[o],
          v1 = x[o + 1],
          v2 = x[o + 2],
          v3 = x[o + 3];
        const g0 = dy[o] * +(v0 * a0 + t0 > 0);
        const g1 = dy[o + 1] * +(v1 * a1 + t1 > 0);
        const g2 = dy[o + 2] * +(v2 * a2 + t2 > 0);
        const g3 = dy[o + 3] * +(v3 * a3 + t3 > 0);
        g[o] = g0;
        g[o + 1] = g1;
        g[o + 2] = g2;
        g[o + 3] = g3;
        s0 += g0;
        s1 += g1;
        s2 += g2;
        s3 += g3;
        p0 += g0 * (v0 - m0);
        p1 += g1 * (v1 - m1);
        p2 += g2 * (v2 - m2);
        p3 += g3 * (v3 - m3);
      }
      sg[k] += s0;
      sg[k + 1] += s1;
      sg[k + 2] += s2;
      sg[k + 3] += s3;
      sgx[k] += p0;
      sgx[k + 1] += p1;
      sgx[k + 2] += p2;
      sgx[k + 3] += p3;
    }
    for (let k = c4; k < c; k++) {
      const m0 = mean[k],
        a0 = scale[k],
        t0 = shift[k];
      let s0 = 0,
        p0 = 0;
      for (let o = b0 + k; o < end; o += c) {
        const v = x[o];
        const g0 = dy[o] * +(v * a0 + t0 > 0);
        g[o] = g0;
        s0 += g0;
        p0 += g0 * (v - m0);
      }
      sg[k] += s0;
      sgx[k] += p0;
    }
  }
}
