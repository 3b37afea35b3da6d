/**
 * MaxPoolGrad in JavaScript, on wasm. The stock kernel took 8-12 % of a CNN or
 * RNN training step (profiled: 380 ms for one [64, 48, 48, 32] input); this
 * loop does the same in a few milliseconds.
 *
 * Semantics follow the cpu reference: each window's gradient goes to its first
 * maximum in row-major window order (strict `>`, so NaN never wins), and
 * overlapping windows add up.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { attr, type KernelArgs } from './wasm-composite.ts';
import { heapViews, overrideWasmKernel } from './wasm-heap.ts';

type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

/** dx += routed dy for NHWC x; `dx` must start zeroed. */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, dx: Float32Array, info: PoolInfo): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: c,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    effectiveFilterHeight: fh,
    effectiveFilterWidth: fw,
    dilationHeight: dh,
    dilationWidth: dw,
  } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const best = new Float32Array(c);
  const pos = new Int32Array(c);
  let dyi = 0;
  for (let b = 0; b < batchSize; b++) {
    const xb = b * inHeight * inWidth * c;
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = oh * strideHeight - top;
      for (let ow = 0; ow < outWidth; ow++, dyi += c) {
        const s0 = ow * strideWidth - left;
        best.fill(-Infinity);
        pos.fill(-1);
        for (let r = r0; r < r0 + fh; r += dh) {
          if (r < 0 || r >= inHeight) continue;
          for (let s = s0; s < s0 + fw; s += dw) {
            if (s < 0 || s >= inWidth) continue;
            const base = xb + (r * inWidth + s) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k];
              if (v > best[k]) {
                best[k] = v;
                pos[k] = base + k;
              }
            }
          }
        }
        for (let k = 0; k < c; k++) if (pos[k] >= 0) dx[pos[k]] += dy[dyi + k];
      }
    }
  }
}

/**
 * The common 2x2 window with stride 2 and no padding, unrolled: windows do not
 * overlap, so each input pixel is written exactly once (no zero fill, no adds), and the
 * winner is picked without branches (timed in bench/max-pool-loops.ts).
 * Pixels outside every window (an odd last row or column) must already be zero.
 */
export function maxPool2x2Backprop(x: Float32Array, dy: Float32Array, dx: Float32Array, info: PoolInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const row = inWidth * c;
  let dyi = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const p0 = (b * inHeight + 2 * oh) * row + 2 * ow * c;
        const p1 = p0 + c;
        const p2 = p0 + row;
        const p3 = p2 + c;
        for (let k = 0; k < c; k++, dyi++) {
          const v0 = x[p0 + k],
            v1 = x[p1 + k],
            v2 = x[p2 + k],
            v3 = x[p3 + k];
          const g = dy[dyi];
          const sum = v0 + v1 + v2 + v3;
          if (sum - sum !== 0) {
            // A NaN or an infinity in the window (rare): the reference's loop, first strict maximum from -Infinity.
            const at = firstMax(v0, v1, v2, v3);
            dx[p0 + k] = at === 0 ? g : 0;
            dx[p1 + k] = at === 1 ? g : 0;
            dx[p2 + k] = at === 2 ? g : 0;
            dx[p3 + k] = at === 3 ? g : 0;
            continue;
          }
          // Finite values: pixel j gets g iff it beats every earlier one strictly and ties or beats every later one.
          // Computed as 0/1 numbers without branches: after a ReLU the winner is a coin toss, which branches mispredict.
          const e0 = +(v0 >= v1) & +(v0 >= v2) & +(v0 >= v3);
          const e1 = +(v1 > v0) & +(v1 >= v2) & +(v1 >= v3);
          const e2 = +(v2 > v0) & +(v2 > v1) & +(v2 >= v3);
          dx[p0 + k] = g * e0;
          dx[p1 + k] = g * e1;
          dx[p2 + k] = g * e2;
          dx[p3 + k] = g * (1 - e0 - e1 - e2); // (a non-finite dy would spread over the window: only after divergence)
        }
      }
    }
  }
}

/** Index of the first strict maximum of four values from -Infinity, or -1 (all NaN or -Infinity), as the cpu reference. */
function firstMax(v0: number, v1: number, v2: number, v3: number): number {
  let best = -Infinity;
  let at = -1;
  [v0, v1, v2, v3].forEach((v, j) => {
    if (v > best) {
      best = v;
      at = j;
    }
  });
  return at;
}

function isPlain2x2(info: PoolInfo): boolean {
  return (
    info.filterHeight === 2 &&
    info.filterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight * 2 <= info.inHeight &&
    info.outWidth * 2 <= info.inWidth
  );
}

function maxPoolGradKernel(args: KernelArgs): TensorInfo | null {
  const x = args.inputs.input as TensorInfo;
  const dy = args.inputs.dy as TensorInfo;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attr(args.attrs, 'filterSize'),
    attr(args.attrs, 'strides'),
    1,
    attr(args.attrs, 'pad'),
    attr(args.attrs, 'dimRoundingMode'),
  );
  const { out, outView, views } = heapViews(args, [x, dy], x.shape);
  if (isPlain2x2(info)) {
    if (info.outHeight * 2 !== info.inHeight || info.outWidth * 2 !== info.inWidth) outView.fill(0);
    maxPool2x2Backprop(views[0], views[1], outView, info);
  } else {
    outView.fill(0);
    maxPoolBackprop(views[0], views[1], outView, info);
  }
  return out;
}

/** Replaces MaxPoolGrad on wasm; call before setBackend('wasm'). */
export function registerWasmMaxPoolGrad(): void {
  overrideWasmKernel('MaxPoolGrad', maxPoolGradKernel);
}
