/**
 * Peak resident memory while training on full FER2013 (issue 17's target: < 1.5 GB),
 * CNN and RNN. Each model trains in a fresh child process (bench/memory-child.ts) so
 * nothing this process loaded counts: it loads train + PublicTest like
 * scripts/train-fer2013.ts and trains one epoch of --batches batches of 64 through
 * the real pipeline (2 gradient threads on wasm), end of epoch included: batch-norm
 * recalibration, validation on PublicTest, the model and checkpoint saved. The peak
 * is the larger of what the child reports (maxRSS, VmHWM) and what this process
 * sees polling /proc/<pid>/status. No baseline.
 *
 *   npx tsx bench/memory.ts [--batches 32] [--models cnn,rnn] [--json-out FILE]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { machineInfo, printRows, writeResult, type BenchRow } from './lib/result.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '32' },
    models: { type: 'string', default: 'cnn,rnn' },
    'json-out': { type: 'string' },
  },
});
const LIMIT_MB = 1500; // "< 1.5 GB", decimal: the stricter reading

interface ChildResult {
  kind: string;
  backend: string;
  batches: number;
  trainImages: number;
  epochImages: number;
  validationImages: number;
  seconds: number;
  epochEndSeconds: number;
  imagesPerSecond: number;
  maxRssKiB: number;
  vmHwmKiB: number | null;
}

function hwmKiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // not Linux, or the child has just exited
  }
}

/** Runs one child; resolves with its report and the highest VmHWM seen from outside. */
function measure(kind: string): Promise<{ result: ChildResult; polledKiB: number }> {
  return new Promise((resolve, reject) => {
    // node --import tsx (not npx tsx): the pid we poll is then the process that trains.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/memory-child.ts', '--kind', kind, '--batches', values.batches!],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let polledKiB = 0;
    let result: ChildResult | null = null;
    const timer = setInterval(() => {
      polledKiB = Math.max(polledKiB, hwmKiB(child.pid!));
    }, 200);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('MEMORY_RESULT ')) result = JSON.parse(line.slice('MEMORY_RESULT '.length)) as ChildResult;
      else console.log(`  [${kind}] ${line}`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0 && result) resolve({ result, polledKiB });
      else reject(new Error(`memory child for ${kind} exited with code ${code}${result ? '' : ' and no result'}`));
    });
  });
}

const rows: BenchRow[] = [];
let backend = 'unknown';
for (const kind of values.models!.split(',')) {
  const { result: r, polledKiB } = await measure(kind);
  backend = r.backend;
  const peakMB = (Math.max(r.maxRssKiB, r.vmHwmKiB ?? 0, polledKiB) * 1024) / 1e6;
  rows.push({
    name: `memory train-${kind}`,
    unit: 'MB peak RSS',
    ours: peakMB,
    baseline: null,
    baselineName: null,
    speedup: null,
    target: '< 1.5 GB',
    met: peakMB < LIMIT_MB,
    notes:
      `full FER2013 train (${r.trainImages}) + PublicTest loaded; one epoch of ${r.batches} batches of 64 (${r.imagesPerSecond.toFixed(1)} img/s), ` +
      `then its end (${r.epochEndSeconds.toFixed(1)} s): batch-norm recalibration, validation on ${r.validationImages}, model + checkpoint saved; ` +
      `maxRSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB, polled VmHWM ${(polledKiB / 1024).toFixed(0)} MiB`,
  });
}
printRows(rows);
writeResult({ bench: 'memory', date: new Date().toISOString(), machine: machineInfo(), backend, rows });
