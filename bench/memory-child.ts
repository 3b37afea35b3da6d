/**
 * Child process of bench/memory.ts (run alone, its peak memory is its own):
 * loads full FER2013 train + PublicTest exactly as scripts/train-fer2013.ts
 * does, trains through the real pipeline for --batches batches, then prints
 * one line `MEMORY_RESULT {json}` with its peak resident memory.
 *
 *   node --import tsx bench/memory-child.ts --kind cnn --batches 30
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { FER_CLASSES } from '../src/core/dataset/types.ts';
import { trainOnPreprocessed } from '../src/core/pipeline/train-pipeline.ts';
import type { PreprocessResult } from '../src/core/preprocess/preprocess-result.ts';

const { values } = parseArgs({
  options: { kind: { type: 'string', default: 'cnn' }, batches: { type: 'string', default: '30' } },
});
const kind = values.kind === 'rnn' ? 'rnn' : 'cnn';
const maxBatches = Number(values.batches);
const DATA = '../shared/datasets/fer2013';

const backend = await initBackend(runtimeOptionsFromEnv(process.env).backend); // FER_BACKEND, as the shells read it
// Same loading as scripts/train-fer2013.ts: whole .npy files read, images viewed in place, labels copied.
async function load(split: string) {
  const x = parseNpy(new Uint8Array(await fs.readFile(path.join(DATA, `${split}.X.npy`))), split);
  const y = parseNpy(new Uint8Array(await fs.readFile(path.join(DATA, `${split}.Y.npy`))), split);
  const n = y.shape[0];
  return {
    images: (x.data as Uint8Array).subarray(0, n * 48 * 48),
    labels: Uint8Array.from(y.data as Uint8Array),
    count: n,
  };
}
const train = await load('train');
const val = await load('publictest');
const pre: PreprocessResult = {
  preset: 'default',
  size: 48,
  channels: 1,
  classes: [...FER_CLASSES],
  train,
  validation: val,
  test: { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 },
  pca: null,
  usePcaInput: false,
  report: {
    imagesBefore: train.count + val.count,
    imagesAfter: train.count + val.count,
    featuresBefore: 2304,
    featuresAfter: 2304,
    explainedVariance: null,
    seconds: 0,
    pcaSeconds: 0,
  },
};

// No outDir: nothing is written; the abort stops the epoch before its end-of-epoch work.
const stop = new AbortController();
let done = 0;
let imagesPerSecond = 0;
const t0 = performance.now();
await trainOnPreprocessed(pre, {
  kind,
  epochs: 1,
  batchSize: 64,
  seed: 42,
  signal: stop.signal,
  onBatch: (b) => {
    done = b.batch;
    imagesPerSecond = b.imagesPerSecond;
    if (b.batch >= maxBatches) stop.abort();
  },
});

const vmHwmKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
console.log(
  `MEMORY_RESULT ${JSON.stringify({
    kind,
    backend,
    batches: done,
    trainImages: train.count,
    seconds: (performance.now() - t0) / 1000,
    imagesPerSecond,
    maxRssKiB: process.resourceUsage().maxRSS,
    vmHwmKiB: Number.isFinite(vmHwmKiB) ? vmHwmKiB : null,
  })}`,
);
