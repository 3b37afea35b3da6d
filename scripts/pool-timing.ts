/**
 * Where the second thread idles in a 2-thread training step (issue 17, lever 4): the
 * trainer's per-batch loop (BatchFiller fill, then GradientPool.step) on the shipped CNN or
 * RNN, batch 64 of FER2013 train, with the pool's timing hook on. Prints milliseconds per
 * step of each phase on the main thread and in the worker, and how long the worker sat
 * idle (step time minus its own assign + compute + pack). --ab alternates blocks of --steps
 * steps with batch prefetching (batch b+1 filled while the worker finishes b) off and on,
 * --rounds times each, and prints every block and the medians.
 *
 *   npx tsx scripts/pool-timing.ts --model cnn|rnn [--steps 8] [--workers 2] [--ab --rounds 3]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { buildCnn } from '../src/core/models/cnn.ts';
import { buildRnn } from '../src/core/models/rnn.ts';
import { augmentFor, defaultConfig } from '../src/core/pipeline/train-pipeline.ts';
import { imageSource } from '../src/core/input/batch-source.ts';
import { balancedClassWeights } from '../src/core/train/losses.ts';
import { mulberry32 } from '../src/core/random.ts';
import { BatchFiller, type FilledBatch } from '../src/core/train/batch-filler.ts';
import { startGradientPool } from '../src/core/train/parallel/gradient-pool.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    steps: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2' },
    ab: { type: 'boolean' },
    rounds: { type: 'string', default: '3' },
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
const filler = new BatchFiller(source, 7, bs, config.labelSmoothing, balancedClassWeights(ys, 7));
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
const rng = mulberry32(1);
let cursor = 0;
const nextIdx = () => Uint32Array.from({ length: bs }, () => cursor++ % source.count);

/** `count` steps; returns ms/step and the phases per step. */
async function block(count: number, prefetch: boolean): Promise<{ wall: number; phases: Record<string, number> }> {
  for (const k of Object.keys(timings)) delete timings[k];
  let next: FilledBatch | null = null;
  const t0 = performance.now();
  for (let s = 0; s < count; s++) {
    const f0 = performance.now();
    const { x, y, w, m } = next ?? filler.fill(nextIdx(), rng);
    if (!prefetch) timings.fill = (timings.fill ?? 0) + performance.now() - f0;
    const step = pool.step(optimizer, x, y, w, m);
    if (prefetch && s + 1 < count) {
      const p0 = performance.now();
      next = filler.fill(nextIdx(), rng);
      timings['fill (prefetched)'] = (timings['fill (prefetched)'] ?? 0) + performance.now() - p0;
    } else next = null;
    await step;
    await new Promise<void>((r) => setImmediate(r)); // the trainer yields once per batch
  }
  const wall = (performance.now() - t0) / count;
  const phases = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, v / count]));
  const busy = ['worker assign', 'worker compute', 'worker pack'].reduce((a, k) => a + (phases[k] ?? 0), 0);
  if (busy) phases['worker idle'] = wall - busy;
  return { wall, phases };
}

function print(label: string, r: { wall: number; phases: Record<string, number> }) {
  console.log(`${label}: ${r.wall.toFixed(1)} ms/step, ${((bs * 1000) / r.wall).toFixed(1)} img/s`);
  for (const [k, v] of Object.entries(r.phases)) console.log(`  ${k.padEnd(18)} ${v.toFixed(1).padStart(7)} ms`);
}

await block(2, false); // kernel setup
console.log(
  `${kind}, ${values.workers} threads, batch ${bs}; load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
if (!values.ab) print(`${steps} steps`, await block(steps, false));
else {
  const seen: Record<'off' | 'on', { wall: number; idle: number }[]> = { off: [], on: [] };
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const on of r % 2 ? [true, false] : [false, true]) {
      const res = await block(steps, on);
      seen[on ? 'on' : 'off'].push({ wall: res.wall, idle: res.phases['worker idle'] ?? 0 });
      print(`round ${r + 1}, prefetch ${on ? 'on' : 'off'}`, res);
    }
  }
  const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
  for (const k of ['off', 'on'] as const) {
    const wall = seen[k].map((s) => s.wall);
    console.log(
      `prefetch ${k}: median ${med(wall).toFixed(1)} (min ${Math.min(...wall).toFixed(1)}) ms/step, worker idle median ${med(seen[k].map((s) => s.idle)).toFixed(1)} ms/step`,
    );
  }
  console.log(
    `load average ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}
await pool.close();
