/**
 * One wasm training step (batch 64 of FER2013 train, one thread, shardGradients + Adam, as
 * scripts/profile-step.ts) timed with a lever (batch norm, shared Identity) on and off in alternating steps in one
 * process: min and median ms per step and images/s of each. Finer than bench/train.ts --ab
 * (an epoch per round) when other work loads the machine, as the min of many short steps moves least.
 *
 *   npx tsx scripts/ab-step.ts --model cnn|rnn --lever bn-relu|bn-loops|bn-all|identity-share [--rounds 8]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { setBatchNormReluFused } from '../src/core/backend/bn-relu-fusion.ts';
import { setBatchNormLoopsBlocked } from '../src/core/backend/wasm-batch-norm-train.ts';
import { setWasmIdentityShared } from '../src/core/backend/wasm-identity.ts';
import { STEP_BATCH, trainingStep } from './lib/training-step.ts';

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
const kind = values.model as 'cnn' | 'rnn';
const bs = STEP_BATCH;
const { fill, run } = await trainingStep(kind);

function step(b: number): number {
  fill(b);
  const t = performance.now();
  run();
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
