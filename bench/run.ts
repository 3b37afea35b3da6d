/**
 * `npm run bench`: every benchmark in sequence, each in its own process (so
 * one's memory, backend and threads never affect the next), output streamed.
 * A bench that fails is reported and the rest still run; the exit code is
 * non-zero at the end if any failed. A missing script is skipped with a message.
 *
 *   npm run bench [-- --only predict,eval] [-- --json] [-- --quick]
 *
 * --json   merges the benches' results into bench/results/latest.json
 *          ({ date, machine, benches: BenchResult[] }). With --only, the other
 *          benches' earlier entries are kept, so one bench can be re-run alone.
 * --quick  tiny settings for a smoke test of the harness (figures meaningless).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo, type BenchResult } from './lib/result.ts';

const BENCHES = ['load', 'pca', 'train', 'predict', 'eval', 'fold', 'memory', 'live'] as const;
/** --quick: the smallest settings each bench accepts (load and pca have none). */
const QUICK: Record<string, string[]> = {
  train: ['--images', '256'],
  predict: ['--runs', '5'],
  eval: ['--limit', '256', '--runs', '1'],
  fold: ['--runs', '4'],
  memory: ['--batches', '5'],
  live: ['--seconds', '3'],
};
const LATEST = path.resolve('bench/results/latest.json');

interface Latest {
  date: string;
  machine: BenchResult['machine'];
  benches: BenchResult[];
}

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const chosen = values.only
  ? values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : [...BENCHES];
const unknown = chosen.filter((b) => !(BENCHES as readonly string[]).includes(b));
if (unknown.length) {
  console.error(`unknown bench: ${unknown.join(', ')} (known: ${BENCHES.join(', ')})`);
  process.exit(2);
}

/** Runs one bench with inherited stdio; resolves with its exit code (a crash or signal counts as failure). */
function runBench(name: string, jsonOut: string): Promise<number> {
  const args = [
    '--import',
    'tsx',
    `bench/${name}.ts`,
    '--json-out',
    jsonOut,
    ...(values.quick ? (QUICK[name] ?? []) : []),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`bench ${name}: cannot start (${e.message})`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-bench-run-'));
const results: BenchResult[] = [];
const failed: string[] = [];
const skipped: string[] = [];
try {
  for (const name of chosen) {
    if (!existsSync(`bench/${name}.ts`)) {
      console.log(`\n=== ${name}: skipped (bench/${name}.ts does not exist)`);
      skipped.push(name);
      continue;
    }
    console.log(`\n=== ${name}${values.quick ? ' (quick)' : ''}`);
    const jsonOut = path.join(tmp, `${name}.json`);
    const t = performance.now();
    const code = await runBench(name, jsonOut);
    const secs = ((performance.now() - t) / 1000).toFixed(0);
    if (code !== 0) {
      console.log(`=== ${name}: FAILED (exit code ${code}, ${secs} s)`);
      failed.push(name);
    } else if (!existsSync(jsonOut)) {
      console.log(`=== ${name}: FAILED (exited 0 but wrote no result for --json-out)`);
      failed.push(name);
    } else {
      results.push(JSON.parse(readFileSync(jsonOut, 'utf8')) as BenchResult);
      console.log(`=== ${name}: done (${secs} s)`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (values.json) {
  // With --only, keep the entries of benches not re-run; a full run replaces the file.
  let kept: BenchResult[] = [];
  if (values.only && existsSync(LATEST)) {
    try {
      const ran = new Set(results.map((r) => r.bench));
      kept = (JSON.parse(readFileSync(LATEST, 'utf8')) as Latest).benches.filter((b) => !ran.has(b.bench));
    } catch {
      console.log(`${LATEST} was unreadable: replacing it`);
    }
  }
  const order = (b: BenchResult): number => BENCHES.indexOf(b.bench as (typeof BENCHES)[number]);
  const latest: Latest = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    benches: [...kept, ...results].sort((a, b) => order(a) - order(b)),
  };
  mkdirSync(path.dirname(LATEST), { recursive: true });
  writeFileSync(LATEST, `${JSON.stringify(latest, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), LATEST)} (${latest.benches.length} benches)`);
}

const summary = [
  `${results.length} ok`,
  failed.length ? `FAILED: ${failed.join(', ')}` : '',
  skipped.length ? `skipped: ${skipped.join(', ')}` : '',
].filter(Boolean);
console.log(`\nbench summary: ${summary.join('; ')}`);
if (failed.length) process.exitCode = 1;
