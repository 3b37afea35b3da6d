/**
 * Evaluation speed: all 3,589 FER2013 PublicTest images through the shipped
 * CNN and RNN with the project's evaluateModel (pixels -> batches of 256 ->
 * forward -> metrics), images/second as the median of --runs passes after a
 * warm-up; the accuracy it got goes in the notes. Baseline: the PyTorch twin
 * doing the same forward passes, batch 256, 2 threads (bench/baselines/eval_torch.py).
 *
 *   npx tsx bench/eval.ts [--runs 3] [--limit N] [--models cnn,rnn] [--json-out FILE]
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { loadDataset } from '../src/core/dataset/load-dataset.ts';
import { evaluateModel } from '../src/core/eval/evaluate.ts';
import { loadFerModel } from '../src/core/model-io/load-fer-model.ts';
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

const backend = await initBackend();
const ds = await loadDataset(X);
const count = Math.min(ds.count, values.limit ? Number(values.limit) : ds.count);
// Only a --limit run needs a subset; the real bench evaluates the dataset as loaded.
const indices = count < ds.count ? Uint32Array.from({ length: count }, (_, i) => i) : undefined;
const torch = havePython('torch', 'python3-torch');
console.log(`eval: PublicTest ${count} of ${ds.count} images; backend ${backend}; ${runs} runs; load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);

const rows: BenchRow[] = [];
for (const kind of values.models!.split(',')) {
  const m = await loadFerModel(path.join('models', kind));
  await evaluateModel(m, ds, { indices: Uint32Array.from({ length: Math.min(256, count) }, (_, i) => i) }); // warm-up batch
  const times: number[] = [];
  let accuracy = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    accuracy = (await evaluateModel(m, ds, { indices })).accuracy;
    times.push((performance.now() - t) / 1000);
  }
  const ours = count / median(times);
  console.log(`eval-${kind}: ${ours.toFixed(0)} images/s, accuracy ${(accuracy * 100).toFixed(2)} %`);
  const py = torch ? baseline(kind, count) : null;
  const arch = py && py.params !== m.model.countParams() ? `; shipped ${kind} has ${m.model.countParams()} params, PyTorch twin ${py.params}` : '';
  rows.push({
    name: `eval-${kind}`, unit: 'images/s', ours, baseline: py?.imagesPerSecond ?? null,
    baselineName: py ? `PyTorch ${py.torch} CPU, batch 256, ${values.threads} threads` : null,
    speedup: speedup(ours, py?.imagesPerSecond ?? null, true), target: 'report images/second', met: null,
    notes: `accuracy ${(accuracy * 100).toFixed(2)} % on ${count} PublicTest images; median of ${runs}${arch}`,
  });
  m.model.dispose();
}
printRows(rows);
writeResult({ bench: 'eval', date: new Date().toISOString(), machine: machineInfo(), backend, rows });
