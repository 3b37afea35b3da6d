/**
 * What each of the wasm trainer's levers buys (issue 17): bench/train.ts --ab for each
 * lever on the model it targets, each in its own process, collected into
 * bench/results/levers.json in latest.json's format (with --only, the other levers'
 * entries are kept). `npx tsx bench/table.ts bench/results/levers.json` prints it as
 * the README's lever table.
 *
 *   npx tsx bench/levers.ts [--only conv-grads,lstm] [--rounds 3] [--images 1024]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchResult } from './lib/result.ts';

/** Lever, the model it was built for, and the gradient threads it needs to show (prefetching pays only where a worker waits). */
const RUNS: { lever: string; models: string; workers: number }[] = [
  { lever: 'conv-grads', models: 'cnn', workers: 1 },
  { lever: 'bn-all', models: 'cnn', workers: 1 },
  { lever: 'identity-share', models: 'cnn', workers: 1 },
  { lever: 'lstm', models: 'rnn', workers: 1 },
  { lever: 'prefetch', models: 'rnn', workers: 2 },
  { lever: 'simd-conv', models: 'cnn,rnn', workers: 1 },
  { lever: 'simd-matmul', models: 'rnn', workers: 1 },
];
const OUT = path.resolve('bench/results/levers.json');

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    images: { type: 'string', default: '1024' },
  },
});
const only = values.only?.split(',');
const unknown = only?.filter((l) => !RUNS.some((r) => r.lever === l));
if (unknown?.length)
  throw new Error(`unknown lever ${unknown.join(', ')} (known: ${RUNS.map((r) => r.lever).join(', ')})`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-levers-'));
const benches: BenchResult[] = [];
for (const r of RUNS.filter((x) => !only || only.includes(x.lever))) {
  const file = path.join(tmp, `${r.lever}.json`);
  const args = ['--import', 'tsx', 'bench/train.ts', '--ab', r.lever, '--models', r.models, '--json-out', file];
  args.push('--ab-workers', String(r.workers), '--rounds', values.rounds, '--images', values.images);
  console.log(`\n=== ${r.lever} (${r.models}, ${r.workers} thread(s))`);
  const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`lever ${r.lever} failed (exit ${res.status ?? res.signal})`);
    process.exitCode = 1;
    continue;
  }
  benches.push({ ...(JSON.parse(readFileSync(file, 'utf8')) as BenchResult), bench: `train --ab ${r.lever}` });
}
rmSync(tmp, { recursive: true, force: true });
if (benches.length) {
  // Levers not rerun (--only) keep their earlier entries.
  const ran = new Set(benches.map((b) => b.bench));
  const earlier = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as { benches: BenchResult[] }).benches : [];
  benches.unshift(...earlier.filter((b) => !ran.has(b.bench)));
  writeFileSync(
    OUT,
    `${JSON.stringify({ date: new Date().toISOString(), machine: benches[0].machine, benches }, null, 2)}\n`,
  );
  console.log(`wrote ${OUT}`);
}
