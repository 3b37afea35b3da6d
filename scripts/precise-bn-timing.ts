/**
 * Seconds of the trainer's per-epoch batch-norm recalibration (precise-bn.ts: 2048 clean
 * training images) on the shipped CNN or RNN, alone on the main thread and with the gradient
 * pool's workers as helpers, in alternating rounds (the machine's load drifts); median of each.
 * Also CPU seconds of the main thread and of the whole process: on a busy machine with
 * per-session scheduling (sched_autogroup) a second thread gets no extra CPU share, so the wall
 * time cannot show the split there, while the main thread's CPU time does.
 *
 *   npx tsx scripts/precise-bn-timing.ts --model cnn|rnn [--rounds 3] [--workers 2]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { buildCnn } from '../src/core/models/cnn.ts';
import { buildRnn } from '../src/core/models/rnn.ts';
import { imageSource } from '../src/core/input/batch-source.ts';
import { startGradientPool } from '../src/core/train/parallel/gradient-pool.ts';
import { recalibrateBatchNorm } from '../src/core/train/precise-bn.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
  },
});
await initBackend('wasm');
const kind = values.model as 'cnn' | 'rnn';
const data = join(process.cwd(), '../shared/datasets/fer2013');
const xs = parseNpy(new Uint8Array(readFileSync(join(data, 'train.X.npy'))), 'x').data as Uint8Array;
const ys = Uint8Array.from(parseNpy(new Uint8Array(readFileSync(join(data, 'train.Y.npy'))), 'y').data as Uint8Array);
const inputShape = kind === 'cnn' ? [48, 48, 1] : [48, 48];
const model = kind === 'cnn' ? buildCnn([48, 48, 1], 7) : buildRnn([48, 48], 7);
const source = imageSource(xs, ys, 48);
const idx = Uint32Array.from({ length: 2048 }, (_, i) => (i * 13) % source.count);
const pool = await startGradientPool({
  model,
  inputShape,
  classes: 7,
  loss: 'categorical',
  workers: Number(values.workers),
});
// Node >= 22.x has it; the installed @types/node does not declare it yet.
const threadCpuUsage = (process as unknown as { threadCpuUsage(prev?: NodeJS.CpuUsage): NodeJS.CpuUsage })
  .threadCpuUsage;
const seen: Record<'alone' | 'helped', number[]> = { alone: [], helped: [] };
await recalibrateBatchNorm(model, source, inputShape, idx.subarray(0, 256), 128, pool.momentsHelpers()); // warm-up
for (let r = 0; r < Number(values.rounds); r++) {
  for (const helped of r % 2 ? [true, false] : [false, true]) {
    const t0 = performance.now();
    const [main0, proc0] = [threadCpuUsage.call(process), process.cpuUsage()];
    await recalibrateBatchNorm(model, source, inputShape, idx, 128, helped ? pool.momentsHelpers() : []);
    const s = (performance.now() - t0) / 1000;
    const cpu = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(2);
    seen[helped ? 'helped' : 'alone'].push(s);
    console.log(
      `${kind} round ${r + 1} ${helped ? 'helped' : 'alone '}: ${s.toFixed(2)} s; CPU s: main thread ${cpu(threadCpuUsage.call(process, main0))}, process ${cpu(process.cpuUsage(proc0))}`,
    );
  }
}
await pool.close();
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
console.log(
  `${kind}: alone ${median(seen.alone).toFixed(2)} s (min ${Math.min(...seen.alone).toFixed(2)}), with ${Number(values.workers) - 1} helper(s) ${median(seen.helped).toFixed(2)} s (min ${Math.min(...seen.helped).toFixed(2)}); median ${(median(seen.alone) / median(seen.helped)).toFixed(2)}x, min ${(Math.min(...seen.alone) / Math.min(...seen.helped)).toFixed(2)}x; load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
