/**
 * Evaluation speed: all 3,589 FER2013 PublicTest images through the shipped
 * CNN and RNN with the project's evaluateModel (pixels -> batches of 256 ->
 * forward -> metrics), images/second as the median of --runs passes after a
 * warm-up; the accuracy it got goes in the notes. Baseline: the PyTorch twin
 * doing the same forward passes, batch 256, 2 threads (bench/baselines/eval_torch.py).
 * Measured on one thread and with the classification helper (parallel-probs.ts:
 * what the app and `fer eval` on a large set use).
 *
 *   npx tsx bench/eval.ts [--runs 3] [--limit N] [--models cnn,rnn] [--json-out FILE]
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { loadDataset } from '../src/core/dataset/load-dataset.ts';
import { evaluateModel } from '../src/core/eval/evaluate.ts';
import { loadFerModel, type FerModel } from '../src/core/model-io/load-fer-model.ts';
import { startClassifyHelper, stopClassifyHelper } from '../src/core/predict/classify-helper.ts';
import { havePython, pythonJson } from './lib/python.ts';
import { machineInfo, median, printRows, speedup, writeResult, type BenchRow } from './lib/result.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' }, limit: { type: 'string' }, models: { type: 'string', default: 'cnn,rnn' },
    threads: { type: 'string', default: '2' }, 'json-out': { type: 'string' },
  },
});
const runs = Number(values.runs);
const X = path.resolve('../shared/datasets/fer2013/publictest.X.npy');

interface PyResult { seconds: number; imagesPerSecond: number; count: number; params: number; torch: string }

function baseline(kind: string, count: number): PyResult {
  const args = ['bench/baselines/eval_torch.py', X, '--kind', kind, '--batch', '256', '--threads', values.threads!, '--runs', String(runs), '--limit', String(count)];
  return pythonJson<PyResult>(args);
}

const backend = await initBackend(runtimeOptionsFromEnv(process.env).backend); // FER_BACKEND, as the shells read it
const ds = await loadDataset(X);
const count = Math.min(ds.count, values.limit ? Number(values.limit) : ds.count);
// Only a --limit run needs a subset; the real bench evaluates the dataset as loaded.
const indices = count < ds.count ? Uint32Array.from({ length: count }, (_, i) => i) : undefined;
const torch = havePython('torch', 'python3-torch');
console.log(`eval: PublicTest ${count} of ${ds.count} images; backend ${backend}; ${runs} runs; load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);

/** Median images/second of `runs` full evaluations after a warm-up batch, and the accuracy they gave. */
async function imagesPerSecond(m: FerModel, threads: number): Promise<{ rate: number; accuracy: number }> {
  await evaluateModel(m, ds, { threads, indices: Uint32Array.from({ length: Math.min(256, count) }, (_, i) => i) });
  const times: number[] = [];
  let accuracy = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    accuracy = (await evaluateModel(m, ds, { threads, indices })).accuracy;
    times.push((performance.now() - t) / 1000);
  }
  return { rate: count / median(times), accuracy };
}

const rows: BenchRow[] = [];
for (const kind of values.models!.split(',')) {
  const m = await loadFerModel(path.join('models', kind));
  const one = await imagesPerSecond(m, 1);
  await startClassifyHelper([m]);
  const two = await imagesPerSecond(m, 2);
  await stopClassifyHelper();
  const py = torch ? baseline(kind, count) : null;
  const arch = py && py.params !== m.model.countParams() ? `; shipped ${kind} has ${m.model.countParams()} params, PyTorch twin ${py.params}` : '';
  for (const [name, r, how] of [[`eval-${kind}`, one, '1 thread'], [`eval-${kind}, 2 threads`, two, 'this thread + the classification helper']] as const) {
    console.log(`${name}: ${r.rate.toFixed(0)} images/s, accuracy ${(r.accuracy * 100).toFixed(2)} %`);
    rows.push({
      name, unit: 'images/s', ours: r.rate, baseline: py?.imagesPerSecond ?? null,
      baselineName: py ? `PyTorch ${py.torch} CPU, batch 256, ${values.threads} threads` : null,
      speedup: speedup(r.rate, py?.imagesPerSecond ?? null, true), target: 'report images/second', met: null,
      notes: `accuracy ${(r.accuracy * 100).toFixed(2)} % on ${count} PublicTest images; ${how}; median of ${runs}${arch}`,
    });
  }
  m.model.dispose();
}
printRows(rows);
writeResult({ bench: 'eval', date: new Date().toISOString(), machine: machineInfo(), backend, rows });
