/**
 * Times the 2x2/2 max-pool gradient loop (maxPool2x2Backprop in src/core/backend/wasm-max-pool-grad.ts)
 * against the branching loop it replaced (kept below), on ReLU-like inputs (half zeros, so the
 * winner of a window is unpredictable and ties are common), for the shipped CNN's pooling shapes.
 * Alternating rounds in one process; min and median.
 *
 *   npx tsx bench/max-pool-loops.ts [--rounds 7]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { maxPool2x2Backprop } from '../src/core/backend/wasm-max-pool-grad.ts';
import { loadAverageLine, timeVariants } from './lib/variants.ts';

type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

/** The previous loop (as it was in wasm-max-pool-grad.ts): a compare-and-branch chain per channel. */
function branching(x: Float32Array, dy: Float32Array, dx: Float32Array, info: PoolInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const row = inWidth * c;
  let dyi = 0;
  for (let b = 0; b < batchSize; b++)
    for (let oh = 0; oh < outHeight; oh++)
      for (let ow = 0; ow < outWidth; ow++) {
        const p0 = (b * inHeight + 2 * oh) * row + 2 * ow * c;
        const [p1, p2] = [p0 + c, p0 + row];
        const p3 = p2 + c;
        for (let k = 0; k < c; k++, dyi++) {
          const v0 = x[p0 + k];
          const v1 = x[p1 + k];
          const v2 = x[p2 + k];
          const v3 = x[p3 + k];
          let best = -Infinity;
          let at = -1;
          if (v0 > best) {
            best = v0;
            at = 0;
          }
          if (v1 > best) {
            best = v1;
            at = 1;
          }
          if (v2 > best) {
            best = v2;
            at = 2;
          }
          if (v3 > best) at = 3;
          const g = dy[dyi];
          dx[p0 + k] = at === 0 ? g : 0;
          dx[p1 + k] = at === 1 ? g : 0;
          dx[p2 + k] = at === 2 ? g : 0;
          dx[p3 + k] = at === 3 ? g : 0;
        }
      }
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
let seed = 7;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
for (const shape of [
  [64, 48, 48, 32],
  [64, 24, 24, 64],
  [64, 12, 12, 128],
] as [number, number, number, number][]) {
  const info = tf.backend_util.computePool2DInfo(shape, 2, 2, 1, 'valid');
  const n = shape.reduce((a, b) => a * b);
  const x = Float32Array.from({ length: n }, () => Math.max(0, rnd()));
  const dy = Float32Array.from({ length: n / 4 }, rnd);
  const dx = new Float32Array(n);
  const variants: Record<string, () => void> = {
    branching: () => branching(x, dy, dx, info),
    'branch-free': () => maxPool2x2Backprop(x, dy, dx, info),
  };
  const line = timeVariants(variants, Number(values.rounds));
  console.log(`[${shape}] ms (min/median): ${line}`);
}
console.log(loadAverageLine());
