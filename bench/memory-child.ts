/**
 * Child process of bench/memory.ts (run alone, its peak memory is its own):
 * loads full FER2013 train + PublicTest exactly as scripts/train-fer2013.ts
 * does, trains through the real pipeline for --batches batches, then prints
 * one line `MEMORY_RESULT {json}` with its peak resident memory.
 *
 * The epoch is the first --batches x 64 images of the loaded train set, so it
 * ends as every epoch of a real training does: batch-norm recalibration on up
 * to 2,048 images, validation on all of PublicTest, the best model and the
 * checkpoint written (to a temporary folder, removed after). That end of epoch
 * has held more memory than the gradient steps (issue 17), so a run stopped
 * mid-epoch would understate a training's peak.
 *
 *   node --import tsx bench/memory-child.ts --kind cnn --batches 32
 */
import { promises as fs, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { FER_CLASSES } from '../src/core/dataset/types.ts';
import { trainOnPreprocessed } from '../src/core/pipeline/train-pipeline.ts';
import type { PreprocessResult } from '../src/core/preprocess/preprocess-result.ts';

const { values } = parseArgs({
  options: { kind: { type: 'string', default: 'cnn' }, batches: { type: 'string', default: '32' } },
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
const full = await load('train');
// The whole set stays loaded; the trainer sees its first maxBatches batches, so the epoch ends.
const seen = Math.min(full.count, maxBatches * 64);
const train = { images: full.images, labels: full.labels.subarray(0, seen), count: seen };
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

const outRoot = mkdtempSync(path.join(os.tmpdir(), 'fer-memory-'));
let done = 0;
let imagesPerSecond = 0;
let lastBatchAt = 0;
const t0 = performance.now();
await trainOnPreprocessed(pre, {
  kind,
  epochs: 1,
  batchSize: 64,
  seed: 42,
  outDir: path.join(outRoot, 'model'),
  onBatch: (b) => {
    done = b.batch;
    imagesPerSecond = b.imagesPerSecond;
    lastBatchAt = performance.now();
  },
});
const seconds = (performance.now() - t0) / 1000;
const epochEndSeconds = (performance.now() - lastBatchAt) / 1000;
rmSync(outRoot, { recursive: true, force: true });

const vmHwmKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
console.log(
  `MEMORY_RESULT ${JSON.stringify({
    kind,
    backend,
    batches: done,
    trainImages: full.count,
    epochImages: train.count,
    validationImages: val.count,
    seconds,
    epochEndSeconds,
    imagesPerSecond,
    maxRssKiB: process.resourceUsage().maxRSS,
    vmHwmKiB: Number.isFinite(vmHwmKiB) ? vmHwmKiB : null,
  })}`,
);
