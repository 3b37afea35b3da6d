/**
 * Per-kernel profile of training steps on the wasm backend (issue 17's "profile table"):
 * the shipped CNN or RNN, batch 64 of FER2013 train, one thread, the trainer's own step
 * (shardGradients + Adam). Prints kernels by total time.
 *
 *   npx tsx scripts/profile-step.ts --model cnn|rnn [--steps 5] [--json FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { buildCnn } from '../src/core/models/cnn.ts';
import { buildRnn } from '../src/core/models/rnn.ts';
import { shardGradients, trainableVariables } from '../src/core/train/parallel/shard-gradients.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    steps: { type: 'string', default: '5' },
    shapes: { type: 'boolean' },
    json: { type: 'string' },
  },
});
await initBackend('wasm');
const kind = values.model as 'cnn' | 'rnn';
const steps = Number(values.steps);
const data = join(process.cwd(), '../shared/datasets/fer2013');
const xs = parseNpy(new Uint8Array(readFileSync(join(data, 'train.X.npy'))), 'x').data as Uint8Array;
const ys = parseNpy(new Uint8Array(readFileSync(join(data, 'train.Y.npy'))), 'y').data as Uint8Array;
const bs = 64;
const inputShape = kind === 'cnn' ? [48, 48, 1] : [48, 48];
const model = kind === 'cnn' ? buildCnn([48, 48, 1], 7) : buildRnn([48, 48], 7);
const vars = trainableVariables(model);
const opt = tf.train.adam(1e-3);
const x = new Float32Array(bs * 2304);
const y = new Float32Array(bs * 7);

function step(b: number) {
  for (let i = 0; i < bs * 2304; i++) x[i] = xs[b * bs * 2304 + i] / 255;
  y.fill(0);
  for (let i = 0; i < bs; i++) y[i * 7 + ys[b * bs + i]] = 1;
  const { grads } = shardGradients(model, vars, inputShape, 7, 'categorical', { x, y, w: null, m: bs });
  opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
  tf.dispose(grads);
}
step(0); // kernel setup
step(1);
const totals = new Map<string, { ms: number; calls: number }>();
let wall = 0;
for (let s = 0; s < steps; s++) {
  const t0 = performance.now();
  const info = await tf.profile(() => step(2 + s));
  wall += performance.now() - t0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    if (values.shapes && s === 0) console.log(`  ${k.name} ${JSON.stringify(k.inputShapes)} ${ms.toFixed(1)} ms`);
    const e = totals.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    totals.set(k.name, e);
  }
}
// Unprofiled timing too (profiling adds sync overhead per kernel).
const t1 = performance.now();
for (let s = 0; s < steps; s++) step(10 + s);
const plain = (performance.now() - t1) / steps;
const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernelSum = rows.reduce((a, r) => a + r[1].ms, 0) / steps;
console.log(
  `${kind}: step ${plain.toFixed(0)} ms unprofiled (${((bs * 1000) / plain).toFixed(1)} img/s), profiled ${(wall / steps).toFixed(0)} ms, kernels ${kernelSum.toFixed(0)} ms`,
);
for (const [name, e] of rows.slice(0, 30))
  console.log(
    `${name.padEnd(28)} ${(e.ms / steps).toFixed(1).padStart(8)} ms  ${((100 * e.ms) / steps / kernelSum).toFixed(1).padStart(5)} %  ${(e.calls / steps).toFixed(0).padStart(5)} calls`,
  );
if (values.json)
  writeFileSync(
    values.json,
    JSON.stringify(
      { kind, stepMs: plain, kernels: rows.map(([name, e]) => ({ name, ms: e.ms / steps, calls: e.calls / steps })) },
      null,
      2,
    ),
  );
