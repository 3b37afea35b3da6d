/**
 * One wasm training step (batch 64 of FER2013 train, one thread, shardGradients + Adam, as
 * scripts/profile-step.ts) timed with a lever (batch norm, shared Identity) on and off in alternating steps in one
 * process: min and median ms per step and images/s of each. Finer than bench/train.ts --ab
 * (an epoch per round) when other work loads the machine, as the min of many short steps moves least.
 *
 *   npx tsx scripts/ab-step.ts --model cnn|rnn --lever bn-relu|bn-loops|bn-all|identity-share [--rounds 8]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { setBatchNormReluFused } from '../src/core/backend/bn-relu-fusion.ts';
import { setBatchNormLoopsBlocked } from '../src/core/backend/wasm-batch-norm-train.ts';
import { setWasmIdentityShared } from '../src/core/backend/wasm-identity.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { buildCnn } from '../src/core/models/cnn.ts';
import { buildRnn } from '../src/core/models/rnn.ts';
import { shardGradients, trainableVariables } from '../src/core/train/parallel/shard-gradients.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    lever: { type: 'string', default: 'bn-relu' },
    rounds: { type: 'string', default: '8' },
  },
});
const LEVERS: Record<string, (on: boolean) => void> = {
  'bn-relu': setBatchNormReluFused,
  'bn-loops': (on) => {
    setBatchNormReluFused(false);
    setBatchNormLoopsBlocked(on);
  },
  'bn-all': (on) => {
    setBatchNormReluFused(on);
    setBatchNormLoopsBlocked(on);
  },
  'identity-share': setWasmIdentityShared,
};
const set = LEVERS[values.lever!];
if (!set) throw new Error(`unknown --lever ${values.lever} (known: ${Object.keys(LEVERS).join(', ')})`);
await initBackend('wasm');
const kind = values.model as 'cnn' | 'rnn';
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

function step(b: number): number {
  for (let i = 0; i < bs * 2304; i++) x[i] = xs[b * bs * 2304 + i] / 255;
  y.fill(0);
  for (let i = 0; i < bs; i++) y[i * 7 + ys[b * bs + i]] = 1;
  const t = performance.now();
  const { grads } = shardGradients(model, vars, inputShape, 7, 'categorical', { x, y, w: null, m: bs });
  opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
  tf.dispose(grads);
  return performance.now() - t;
}
for (const on of [false, true]) {
  set(on);
  step(0); // kernel setup of both arms
}
const seen: Record<'on' | 'off', number[]> = { on: [], off: [] };
for (let r = 0; r < Number(values.rounds); r++)
  for (const on of r % 2 ? [true, false] : [false, true]) {
    set(on);
    seen[on ? 'on' : 'off'].push(step(1 + r));
  }
set(true);
const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
for (const arm of ['off', 'on'] as const) {
  const t = seen[arm];
  console.log(
    `${kind} ${values.lever} ${arm}: min ${Math.min(...t).toFixed(0)} ms (${((bs * 1000) / Math.min(...t)).toFixed(1)} img/s), median ${med(t).toFixed(0)} ms (${((bs * 1000) / med(t)).toFixed(1)} img/s); all ${t.map((v) => v.toFixed(0)).join(' ')}`,
  );
}
console.log(
  `on/off by min ${(Math.min(...seen.off) / Math.min(...seen.on)).toFixed(3)}x, by median ${(med(seen.off) / med(seen.on)).toFixed(3)}x; load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
