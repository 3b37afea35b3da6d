/**
 * Milliseconds per training step (batch 64, one thread, the trainer's shardGradients + Adam, as
 * scripts/profile-step.ts runs it) with each convolution-gradient lever off and on, in alternating
 * rounds inside one process. Times are this process's CPU time (user + system) per step, which the
 * load of other processes on a shared machine disturbs less than wall time; wall time is printed too.
 *
 *   npx tsx scripts/conv-grad-ab.ts [--model cnn|rnn] [--rounds 3] [--steps 2] [--levers a,b]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { setConvLayerUnfused } from '../src/core/backend/wasm-conv-layer.ts';
import { setInputGradDirect } from '../src/core/backend/wasm-grad-kernels.ts';
import { setFilterGradOptions } from '../src/core/backend/wasm-im2col-filter-grad.ts';
import { trainingStep } from './lib/training-step.ts';

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
const kind = values.model as 'cnn' | 'rnn';
const { fill, run } = await trainingStep(kind);
let batch = 0;

/** One step; returns [cpu ms, wall ms]. */
function step(): [number, number] {
  fill(batch++ % 100);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run();
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
