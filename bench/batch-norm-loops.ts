/**
 * Times the training batch norm's loops (src/core/backend/batch-norm-loops.ts) against the plain
 * ones they replaced (batch-norm-plain.ts), forward and backward, on views of one buffer as the
 * kernels see the wasm heap, for the shapes of the shipped CNN's batch norms (batch 64). Alternating
 * rounds in one process; min and median (the min resists a loaded machine). The fused-ReLU variants are
 * timed too (relu on). Inputs are pseudo-random, so the ReLU's signs are unpredictable as in training.
 *
 *   npx tsx bench/batch-norm-loops.ts [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { batchNormBackwardLoops } from '../src/core/backend/batch-norm-backward-loops.ts';
import { channelMoments, foldScaleShift, scaleShift } from '../src/core/backend/batch-norm-loops.ts';
import { batchNormTrainBackward, batchNormTrainForward } from '../src/core/backend/batch-norm-plain.ts';
import { loadAverageLine, timeVariants } from './lib/variants.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const shapes = [
  [64, 48, 48, 32],
  [64, 24, 24, 64],
  [64, 12, 12, 128],
  [64, 6, 6, 256],
];

for (const shape of shapes) {
  const c = shape[3];
  const size = shape.reduce((a, b) => a * b);
  const buffer = new ArrayBuffer(size * 4 * 4);
  const view = (i: number) => new Float32Array(buffer, i * size * 4, size);
  const [x, dy, y, dx] = [0, 1, 2, 3].map(view);
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  for (let i = 0; i < size; i++) {
    x[i] = rnd() * 4 + 0.3;
    dy[i] = rnd();
  }
  const gamma = new Float32Array(c).fill(1.1);
  const beta = new Float32Array(c).fill(-0.2);
  const [mean, variance, dg, db] = [0, 1, 2, 3].map(() => new Float32Array(c));
  const variants: Record<string, () => void> = {
    'plain forward': () => batchNormTrainForward(x, gamma, beta, 1e-3, y, mean, variance),
    'plain backward': () => batchNormTrainBackward(dy, x, mean, variance, gamma, 1e-3, dx, dg, db),
    'blocked forward': () => {
      channelMoments(x, c, mean, variance);
      const { scale, shift } = foldScaleShift(mean, variance, gamma, beta, 1e-3);
      scaleShift(x, scale, shift, false, y);
    },
    'blocked backward': () => batchNormBackwardLoops(dy, x, mean, variance, gamma, beta, 1e-3, false, dx, dg, db),
    'blocked forward + relu': () => {
      channelMoments(x, c, mean, variance);
      const { scale, shift } = foldScaleShift(mean, variance, gamma, beta, 1e-3);
      scaleShift(x, scale, shift, true, y);
    },
    'blocked backward + relu': () => batchNormBackwardLoops(dy, x, mean, variance, gamma, beta, 1e-3, true, dx, dg, db),
  };
  const line = timeVariants(variants, Number(values.rounds));
  console.log(`[${shape}] ms (min/median): ${line}`);
}
console.log(loadAverageLine());
