/**
 * Evaluation speed: all 3,589 FER2013 PublicTest images through the shipped
 * CNN and RNN with the project's evaluateModel (pixels -> batches -> forward ->
 * metrics), images/second as the median of --runs passes after a warm-up; the
 * accuracy it got goes in the notes. Baseline: the PyTorch twin doing the same
 * forward passes, batch 256, 2 threads (bench/baselines/eval_torch.py).
 *
 * Measured as `fer eval` and the app run it: on ONNX Runtime (native, 2
 * intra-op threads, batch 64: src/core/onnx/), with 1 thread and other batch
 * sizes beside it (how those defaults were chosen), and on the tfjs fallback
 * with the classification helper (parallel-probs.ts: what runs where
 * onnxruntime-node has no binary, e.g. macOS x64). Then the whole `fer eval`
 * process, wall clock, against `python3 -c` importing torch and doing the same
 * evaluation (twin with random weights: the same work, its accuracy is chance).
 *
 *   npx tsx bench/eval.ts [--runs 3] [--limit N] [--models cnn,rnn] [--json-out FILE]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { loadDataset } from '../src/core/dataset/load-dataset.ts';
import { evaluateModel } from '../src/core/eval/evaluate.ts';
import { loadFerModel, type FerModel } from '../src/core/model-io/load-fer-model.ts';
import { configureOnnxInference, type OnnxInferenceOptions } from '../src/core/onnx/inference-config.ts';
import { onnxClassifierFor } from '../src/core/onnx/onnx-classifier.ts';
import { startClassifyHelper, stopClassifyHelper } from '../src/core/eval/classify-helper.ts';
import { havePython, PYTHON, pythonJson } from './lib/python.ts';
import { machineInfo, median, printRows, speedup, writeResult, type BenchRow } from './lib/result.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    limit: { type: 'string' },
    models: { type: 'string', default: 'cnn,rnn' },
    threads: { type: 'string', default: '2' },
    'json-out': { type: 'string' },
  },
});
const runs = Number(values.runs);
const X = path.resolve('../shared/datasets/fer2013/publictest.X.npy');

interface PyResult {
  seconds: number;
  imagesPerSecond: number;
  count: number;
  params: number;
  torch: string;
}

function baseline(kind: string, count: number): PyResult {
  const args = [
    'bench/baselines/eval_torch.py',
    X,
    '--kind',
    kind,
    '--batch',
    '256',
    '--threads',
    values.threads!,
    '--runs',
    String(runs),
    '--limit',
    String(count),
  ];
  return pythonJson<PyResult>(args);
}

const backend = await initBackend(runtimeOptionsFromEnv(process.env).backend); // FER_BACKEND, as the shells read it
const ds = await loadDataset(X);
const count = Math.min(ds.count, values.limit ? Number(values.limit) : ds.count);
// Only a --limit run needs a subset; the real bench evaluates the dataset as loaded.
const indices = count < ds.count ? Uint32Array.from({ length: count }, (_, i) => i) : undefined;
const torch = havePython('torch', 'python3-torch');
console.log(
  `eval: PublicTest ${count} of ${ds.count} images; backend ${backend}; ${runs} runs; load average ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
);

/** Seconds of one full evaluation after a warm-up batch, and the accuracy it gave. */
async function onePass(m: FerModel, threads: number): Promise<{ seconds: number; accuracy: number }> {
  await evaluateModel(m, ds, { threads, indices: Uint32Array.from({ length: Math.min(256, count) }, (_, i) => i) });
  const t = performance.now();
  const { accuracy } = await evaluateModel(m, ds, { threads, indices });
  return { seconds: (performance.now() - t) / 1000, accuracy };
}

/** Median images/second of `runs` full evaluations, and the accuracy they gave. */
async function imagesPerSecond(m: FerModel, threads: number): Promise<{ rate: number; accuracy: number }> {
  const passes: { seconds: number; accuracy: number }[] = [];
  for (let r = 0; r < runs; r++) passes.push(await onePass(m, threads));
  return { rate: count / median(passes.map((p) => p.seconds)), accuracy: passes[0].accuracy };
}

/**
 * ONNX Runtime under each setting, the settings taking turns pass by pass (this VM's speed
 * drifts within a minute; README); null when no runtime loads here.
 */
async function onOrt<K extends string>(
  m: FerModel,
  settings: Record<K, OnnxInferenceOptions>,
): Promise<Record<K, { rate: number; accuracy: number }> | null> {
  const passes = new Map<K, { seconds: number; accuracy: number }[]>();
  for (let r = 0; r < runs; r++) {
    for (const [k, o] of Object.entries(settings) as [K, OnnxInferenceOptions][]) {
      configureOnnxInference(o);
      if (!(await onnxClassifierFor(m.model, m.dir))) return null;
      passes.set(k, [...(passes.get(k) ?? []), await onePass(m, 1)]);
    }
  }
  configureOnnxInference();
  return Object.fromEntries(
    [...passes].map(([k, p]) => [k, { rate: count / median(p.map((x) => x.seconds)), accuracy: p[0].accuracy }]),
  ) as Record<K, { rate: number; accuracy: number }>;
}

const Y = X.replace('.X.', '.Y.');
/** `python3 -c`: import torch, build the twin, load PublicTest, classify it in batches of 256 on 2 threads, print the accuracy. */
const pyEval = (kind: string) => [
  '-c',
  `import sys, numpy as np, torch; sys.path.insert(0, 'bench/baselines'); from fer_models import build
torch.set_num_threads(${values.threads}); x = np.load('${X}'); y = np.load('${Y}'); m = build('${kind}').eval()
with torch.no_grad(): p = np.concatenate([torch.softmax(m(torch.from_numpy(x[s:s + 256].astype(np.float32) / np.float32(255)).unsqueeze(1)), 1).argmax(1).numpy() for s in range(0, len(x), 256)])
print(float((p == y).mean()))`,
];
const ferEval = (kind: string) => [
  path.resolve('bin/fer.js'),
  'eval',
  '--model',
  path.join('models', kind),
  '--data',
  X,
  '--json',
];

function wallClock(cmd: string, args: string[]): number {
  const t = performance.now();
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - t) / 1000;
}

const rows: BenchRow[] = [];
const row = (
  name: string,
  r: { rate: number; accuracy: number },
  py: PyResult | null,
  how: string,
  target = 'context',
  met: boolean | null = null,
  arch = '',
): void => {
  console.log(`${name}: ${r.rate.toFixed(0)} images/s, accuracy ${(r.accuracy * 100).toFixed(2)} %`);
  rows.push({
    name,
    unit: 'images/s',
    ours: r.rate,
    baseline: py?.imagesPerSecond ?? null,
    baselineName: py ? `PyTorch ${py.torch} CPU, batch 256, ${values.threads} threads` : null,
    speedup: speedup(r.rate, py?.imagesPerSecond ?? null, true),
    target,
    met,
    notes: `accuracy ${(r.accuracy * 100).toFixed(2)} % on ${count} PublicTest images; ${how}; median of ${runs}${arch}`,
  });
};

for (const kind of values.models!.split(',')) {
  const m = await loadFerModel(path.join('models', kind));
  const o = await onOrt(m, {
    ort: {},
    one: { threads: 1 },
    spin: { spinning: true },
    b16: { batchSize: 16 },
    b256: { batchSize: 256 },
  });
  const ort = o?.ort;
  const batches = o ? `batch 16: ${o.b16.rate.toFixed(0)}, batch 256: ${o.b256.rate.toFixed(0)} images/s` : '';
  configureOnnxInference({ allow: [] });
  await startClassifyHelper([m], backend);
  const tfjs = await imagesPerSecond(m, 2);
  await stopClassifyHelper();
  configureOnnxInference();
  const py = torch ? baseline(kind, count) : null;
  const ratio = py && ort ? ort.rate / py.imagesPerSecond : null;
  const arch =
    py && py.params !== m.model.countParams()
      ? `; shipped ${kind} has ${m.model.countParams()} params, PyTorch twin ${py.params}`
      : '';
  if (o) {
    row(
      `eval-${kind}`,
      o.ort,
      py,
      `onnxruntime-node, 2 threads, batch 64 (${batches}); settings taking turns`,
      '>= 2.0x PyTorch (2 threads)',
      ratio === null ? null : ratio >= 2,
      arch,
    );
    row(`eval-${kind}, ONNX Runtime 1 thread`, o.one, py, 'onnxruntime-node, 1 thread, batch 64');
    row(
      `eval-${kind}, ONNX Runtime 2 spinning threads`,
      o.spin,
      py,
      "onnxruntime-node, 2 threads that spin-wait when idle (ORT's default), batch 64",
    );
  }
  row(
    `eval-${kind}, tfjs fallback`,
    tfjs,
    py,
    `tfjs ${backend}, this thread + the classification helper (where no ONNX Runtime loads)`,
  );

  // The whole command, wall clock: start-up, model and data loading, evaluation, report.
  for (const f of readdirSync(m.dir)) if (/^model-[0-9a-f]{16}\.onnx$/.test(f)) rmSync(path.join(m.dir, f));
  const first = wallClock(process.execPath, ferEval(kind)); // exports the model and writes its cache
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < runs; r++) {
    ours.push(wallClock(process.execPath, ferEval(kind)));
    if (torch) theirs.push(wallClock(PYTHON, pyEval(kind)));
  }
  const base = torch ? median(theirs) : null;
  console.log(
    `fer eval ${kind}, whole process: ${median(ours).toFixed(2)} s (first run ${first.toFixed(2)} s)${base ? `; python3 -c with torch ${base.toFixed(2)} s` : ''}`,
  );
  rows.push({
    name: `fer eval ${kind}, whole process`,
    unit: 's',
    ours: median(ours),
    baseline: base,
    baselineName: torch
      ? `python3 -c: import torch, build the twin, load PublicTest, classify, ${values.threads} threads`
      : null,
    speedup: speedup(median(ours), base, false),
    target: 'report it next to python3 -c',
    met: null,
    notes: `wall clock of node bin/fer.js eval --model models/${kind} --data publictest.X.npy --json, runs alternating with the baseline, median of ${runs}; the first run, which exports the ONNX model and caches it, took ${first.toFixed(2)} s`,
  });
  m.model.dispose();
}
printRows(rows);
writeResult({ bench: 'eval', date: new Date().toISOString(), machine: machineInfo(), backend, rows });
