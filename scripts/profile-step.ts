/**
 * Per-kernel profile of training steps on the wasm backend (issue 17's "profile table"):
 * the shipped CNN or RNN, batch 64 of FER2013 train, one thread, the trainer's own step
 * (shardGradients + Adam). Prints kernels by total time.
 *
 *   npx tsx scripts/profile-step.ts --model cnn|rnn [--steps 5] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { STEP_BATCH, trainingStep } from './lib/training-step.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    steps: { type: 'string', default: '5' },
    shapes: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const kind = values.model as 'cnn' | 'rnn';
const steps = Number(values.steps);
const bs = STEP_BATCH;
const { fill, run } = await trainingStep(kind);

function step(b: number) {
  fill(b);
  run();
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
