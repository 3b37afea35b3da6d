/**
 * Where the second thread idles in a 2-thread training step (issue 17, lever 4): the
 * trainer's per-batch loop (fill + targets, then GradientPool.step) on the shipped CNN or
 * RNN, batch 64 of FER2013 train, with the pool's timing hook on. Prints milliseconds per
 * step of each phase on the main thread and in the worker, and how long the worker sat
 * idle (step time minus its own assign + compute + pack).
 *
 *   npx tsx scripts/pool-timing.ts --model cnn|rnn [--steps 8] [--workers 2]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { buildCnn } from '../src/core/models/cnn.ts';
import { buildRnn } from '../src/core/models/rnn.ts';
import { augmentFor, defaultConfig } from '../src/core/pipeline/train-pipeline.ts';
import { imageSource } from '../src/core/input/batch-source.ts';
import { fillTargets } from '../src/core/input/batches.ts';
import { balancedClassWeights } from '../src/core/train/losses.ts';
import { mulberry32 } from '../src/core/random.ts';
import { startGradientPool } from '../src/core/train/parallel/gradient-pool.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    steps: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2' },
  },
});
await initBackend('wasm');
const kind = values.model as 'cnn' | 'rnn';
const steps = Number(values.steps);
const data = join(process.cwd(), '../shared/datasets/fer2013');
const xs = parseNpy(new Uint8Array(readFileSync(join(data, 'train.X.npy'))), 'x').data as Uint8Array;
const ys = Uint8Array.from(parseNpy(new Uint8Array(readFileSync(join(data, 'train.Y.npy'))), 'y').data as Uint8Array);
const config = defaultConfig(kind);
const bs = config.batchSize;
const inputShape = kind === 'cnn' ? [48, 48, 1] : [48, 48];
const model = kind === 'cnn' ? buildCnn([48, 48, 1], 7) : buildRnn([48, 48], 7);
const source = imageSource(xs, ys, 48, augmentFor(kind));
const weights = balancedClassWeights(ys, 7);
const optimizer = tf.train.adam(config.learningRate);
const timings: Record<string, number> = {};
const pool = await startGradientPool({
  model,
  inputShape,
  classes: 7,
  loss: config.loss,
  workers: Number(values.workers),
  timings,
});
const x = new Float32Array(bs * source.featureSize),
  y = new Float32Array(bs * 7),
  w = new Float32Array(bs);
const rng = mulberry32(1);
let wall = 0;
for (let s = 0; s < steps + 2; s++) {
  if (s === 2) {
    for (const k of Object.keys(timings)) delete timings[k];
    wall = 0;
  }
  const t0 = performance.now();
  const idx = Uint32Array.from({ length: bs }, (_, i) => (s * bs + i) % source.count);
  source.fill(idx, x, rng);
  fillTargets(ys, idx, 7, config.labelSmoothing, y);
  for (let i = 0; i < bs; i++) w[i] = weights[ys[idx[i]]];
  timings.fill = (timings.fill ?? 0) + performance.now() - t0;
  await pool.step(optimizer, x, y, w, bs);
  wall += performance.now() - t0;
}
await pool.close();
const per = (v: number) => (v / steps).toFixed(1).padStart(7);
console.log(
  `${kind}, ${values.workers} threads, ${steps} steps of ${bs}: ${per(wall)} ms/step, ${((steps * bs) / (wall / 1000)).toFixed(1)} img/s`,
);
for (const [k, v] of Object.entries(timings)) console.log(`  ${k.padEnd(16)} ${per(v)} ms`);
const busy = ['worker assign', 'worker compute', 'worker pack'].reduce((a, k) => a + (timings[k] ?? 0), 0);
if (busy) console.log(`  ${'worker idle'.padEnd(16)} ${per(wall - busy)} ms (step minus the worker's own work)`);
