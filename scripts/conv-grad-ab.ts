/**
 * Milliseconds per training step (batch 64, one thread, the trainer's shardGradients + Adam, as
 * scripts/profile-step.ts runs it) with each convolution-gradient lever off and on, in alternating
 * rounds inside one process. Times are this process's CPU time (user + system) per step, which the
 * load of other processes on a shared machine disturbs less than wall time; wall time is printed too.
 *
 *   npx tsx scripts/conv-grad-ab.ts [--model cnn|rnn] [--rounds 3] [--steps 2] [--levers a,b]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { setConvLayerUnfused } from '../src/core/backend/wasm-conv-layer.ts';
import { setInputGradDirect } from '../src/core/backend/wasm-grad-kernels.ts';
import { setFilterGradOptions } from '../src/core/backend/wasm-im2col-filter-grad.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { buildCnn } from '../src/core/models/cnn.ts';
import { buildRnn } from '../src/core/models/rnn.ts';
import { shardGradients, trainableVariables } from '../src/core/train/parallel/shard-gradients.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '2' },
    levers: { type: 'string' },
  },
});
const layout = (on: boolean) =>
  setFilterGradOptions(on ? { layout: 'cm', chunkFloats: 1 << 20 } : { layout: 'nhwc', chunkFloats: 0 });
const LEVERS: Record<string, (on: boolean) => void> = {
  'conv-input-grad': setConvLayerUnfused,
  'input-grad-pad': setInputGradDirect,
  'filter-grad-layout': layout,
  'conv-grads': (on) => {
    setConvLayerUnfused(on);
    setInputGradDirect(on);
    layout(on);
  },
};
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
let batch = 0;

/** One step; returns [cpu ms, wall ms]. */
function step(): [number, number] {
  const b = batch++ % 100;
  for (let i = 0; i < bs * 2304; i++) x[i] = xs[b * bs * 2304 + i] / 255;
  y.fill(0);
  for (let i = 0; i < bs; i++) y[i * 7 + ys[b * bs + i]] = 1;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { grads } = shardGradients(model, vars, inputShape, 7, 'categorical', { x, y, w: null, m: bs });
  opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
  tf.dispose(grads);
  const c = process.cpuUsage(c0);
  return [(c.user + c.system) / 1000, performance.now() - t0];
}

const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
step();
step();
for (const name of values.levers ? values.levers.split(',') : Object.keys(LEVERS)) {
  const set = LEVERS[name];
  const seen: Record<string, { cpu: number[]; wall: number[] }> = {
    off: { cpu: [], wall: [] },
    on: { cpu: [], wall: [] },
  };
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const on of r % 2 ? [true, false] : [false, true]) {
      set(on);
      step(); // the first step after a switch may set up kernels
      for (let s = 0; s < Number(values.steps); s++) {
        const [cpu, wall] = step();
        seen[on ? 'on' : 'off'].cpu.push(cpu);
        seen[on ? 'on' : 'off'].wall.push(wall);
      }
    }
  }
  set(true);
  const f = (k: 'on' | 'off') => `${med(seen[k].cpu).toFixed(0)} ms cpu (${med(seen[k].wall).toFixed(0)} wall)`;
  console.log(
    `${kind} ${name}: off ${f('off')} -> on ${f('on')}; ${(med(seen.off.cpu) / med(seen.on.cpu)).toFixed(3)}x; load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}
