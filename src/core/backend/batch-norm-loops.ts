/**
 * The loops of the training batch norm (wasm-batch-norm-train.ts), on [rows, c] channels-last data.
 *
 * Why they look like this: a loop that adds into a per-channel Float64Array costs a load and a
 * store of the accumulator per value, which made the plain loops about 2 ns per value per pass.
 * Here the rows go in blocks of about BLOCK values (they stay in L1), and inside a block each
 * group of four channels is walked down the rows with its accumulators and constants in local
 * variables, which V8 keeps in registers. bench/batch-norm-loops.ts times these against the
 * plain loops on the wasm heap.
 *
 * Mean and variance take one pass: float64 sums of d = x - h and d^2 per channel, h being the
 * channel's first value, and var = E[d^2] - E[d]^2. The shift keeps E[d]^2 from dwarfing the
 * variance (the cancellation of the textbook E[x^2] - E[x]^2): the relative error is about
 * 1e-16 (1 + (mean - h)^2 / var), far below float32's 6e-8 unless one value sits 10^4 standard
 * deviations from the mean (test/core/backend/batch-norm-loops.test.ts checks it against the
 * two-pass form on offset data).
 *
 * `relu` fuses the ReLU that follows the batch norm in the project's models: the forward writes
 * max(0, bn(x)), and the backward masks dy where bn(x) <= 0, recomputing bn(x) from x with the
 * same float32 scale and shift as the forward (so the mask is exactly the forward's).
 */

/** Values per row block: x and y of one block (8 KB each) stay in L1 across channel groups. */
const BLOCK = 2048;

export function blockStep(c: number): number {
  return Math.max(1, Math.floor(BLOCK / c)) * c;
}

/** Per-channel batch mean and biased variance of x viewed as [rows, c], in one pass (see the file comment). */
export function channelMoments(x: Float32Array, c: number, mean: Float32Array, variance: Float32Array): void {
  const n = x.length;
  const rows = n / c;
  const s = new Float64Array(c);
  const q = new Float64Array(c);
  const h = new Float64Array(c);
  if (n > 0) for (let k = 0; k < c; k++) h[k] = x[k];
  const step = blockStep(c);
  const c4 = c - (c % 4);
  for (let b0 = 0; b0 < n; b0 += step) {
    const end = Math.min(n, b0 + step);
    for (let k = 0; k < c4; k += 4) {
      const h0 = h[k],
        h1 = h[k + 1],
        h2 = h[k + 2],
        h3 = h[k + 3];
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        q0 = 0,
        q1 = 0,
        q2 = 0,
        q3 = 0;
      for (let o = b0 + k; o < end; o += c) {
        const d0 = x[o] - h0,
          d1 = x[o + 1] - h1,
          d2 = x[o + 2] - h2,
          d3 = x[o + 3] - h3;
        s0 += d0;
        s1 += d1;
        s2 += d2;
        s3 += d3;
        q0 += d0 * d0;
        q1 += d1 * d1;
        q2 += d2 * d2;
        q3 += d3 * d3;
      }
      s[k] += s0;
      s[k + 1] += s1;
      s[k + 2] += s2;
      s[k + 3] += s3;
      q[k] += q0;
      q[k + 1] += q1;
      q[k + 2] += q2;
      q[k + 3] += q3;
    }
    for (let k = c4; k < c; k++) {
      const h0 = h[k];
      let s0 = 0,
        q0 = 0;
      for (let o = b0 + k; o < end; o += c) {
        const d0 = x[o] - h0;
        s0 += d0;
        q0 += d0 * d0;
      }
      s[k] += s0;
      q[k] += q0;
    }
  }
  for (let k = 0; k < c; k++) {
    const m = rows > 0 ? s[k] / rows : 0;
    mean[k] = h[k] + m;
    variance[k] = rows > 0 ? Math.max(0, q[k] / rows - m * m) : 0;
  }
}

/** The forward's per-channel y = x * scale + shift, from the float32 batch statistics (shared with the backward's mask). */
export function foldScaleShift(
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
): { scale: Float32Array; shift: Float32Array } {
  const c = gamma.length;
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    scale[k] = gamma[k] / Math.sqrt(variance[k] + eps);
    shift[k] = beta[k] - mean[k] * scale[k];
  }
  return { scale, shift };
}

/** y = x * scale + shift per channel, then max(0, .) when `relu`, as (v + |v|) / 2: exact, without a branch that random signs mispredict. */
export function scaleShift(
  x: Float32Array,
  scale: Float32Array,
  shift: Float32Array,
  relu: boolean,
  y: Float32Array,
): void {
  const c = scale.length;
  const n = x.length;
  const step = blockStep(c);
  const c4 = c - (c % 4);
  for (let b0 = 0; b0 < n; b0 += step) {
    const end = Math.min(n, b0 + step);
    for (let k = 0; k < c4; k += 4) {
      const a0 = scale[k],
        a1 = scale[k + 1],
        a2 = scale[k + 2],
        a3 = scale[k + 3];
      const t0 = shift[k],
        t1 = shift[k + 1],
        t2 = shift[k + 2],
        t3 = shift[k + 3];
      if (relu) {
        for (let o = b0 + k; o < end; o += c) {
          let v = x[o] * a0 + t0;
          y[o] = (v + Math.abs(v)) * 0.5;
          v = x[o + 1] * a1 + t1;
          y[o + 1] = (v + Math.abs(v)) * 0.5;
          v = x[o + 2] * a2 + t2;
          y[o + 2] = (v + Math.abs(v)) * 0.5;
          v = x[o + 3] * a3 + t3;
          y[o + 3] = (v + Math.abs(v)) * 0.5;
        }
      } else {
        for (let o = b0 + k; o < end; o += c) {
          y[o] = x[o] * a0 + t0;
          y[o + 1] = x[o + 1] * a1 + t1;
          y[o + 2] = x[o + 2] * a2 + t2;
          y[o + 3] = x[o + 3] * a3 + t3;
        }
      }
    }
    for (let k = c4; k < c; k++) {
      const a0 = scale[k],
        t0 = shift[k];
      for (let o = b0 + k; o < end; o += c) {
        const v = x[o] * a0 + t0;
        y[o] = relu ? (v + Math.abs(v)) * 0.5 : v;
      }
    }
  }
}
