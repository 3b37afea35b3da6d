/**
 * Trains the shipped models on full FER2013 (train split) and selects on
 * PublicTest. Checkpoints every epoch to models/.checkpoints/<kind>; run again
 * with --resume after any interruption to continue where it stopped.
 *
 *   npx tsx scripts/train-fer2013.ts --model cnn --epochs 30 [--resume] [--limit N]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { FER_CLASSES } from '../src/core/dataset/types.ts';
import { trainOnPreprocessed } from '../src/core/pipeline/train-pipeline.ts';
import type { PreprocessResult } from '../src/core/preprocess/preprocess.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' }, epochs: { type: 'string', default: '30' }, batch: { type: 'string', default: '64' },
    lr: { type: 'string' }, seed: { type: 'string', default: '42' }, resume: { type: 'boolean', default: false },
    limit: { type: 'string' }, out: { type: 'string' }, data: { type: 'string', default: '../shared/datasets/fer2013' },
  },
});
const kind = values.model === 'rnn' ? 'rnn' : 'cnn';
const backend = await initBackend();
async function load(split: string, limit?: number) {
  const x = parseNpy(new Uint8Array(await fs.readFile(path.join(values.data!, `${split}.X.npy`))), split);
  const y = parseNpy(new Uint8Array(await fs.readFile(path.join(values.data!, `${split}.Y.npy`))), split);
  const n = Math.min(limit ?? Infinity, y.shape[0]);
  return { images: (x.data as Uint8Array).subarray(0, n * 48 * 48), labels: Uint8Array.from(y.data as Uint8Array).subarray(0, n) };
}
const limit = values.limit ? Number(values.limit) : undefined;
const train = await load('train', limit);
const val = await load('publictest', limit ? Math.ceil(limit / 4) : undefined);
const part = (p: { images: Uint8Array; labels: Uint8Array }) => ({ ...p, count: p.labels.length });
// Already 48x48 gray: the same pipeline as `fer train`, with PublicTest as the validation part.
const pre: PreprocessResult = {
  preset: 'default', size: 48, channels: 1, classes: [...FER_CLASSES], train: part(train), validation: part(val),
  test: part({ images: new Uint8Array(0), labels: new Uint8Array(0) }), pca: null, usePcaInput: false,
  report: { imagesBefore: train.labels.length + val.labels.length, imagesAfter: train.labels.length + val.labels.length, featuresBefore: 2304, featuresAfter: 2304, explainedVariance: null, seconds: 0, pcaSeconds: 0 },
};
const out = values.out ?? `models/${kind}`;
console.log(`backend ${backend}; ${kind}; train ${train.labels.length}, validation ${val.labels.length}; out ${out}`);
const result = await trainOnPreprocessed(pre, {
  kind, epochs: Number(values.epochs), batchSize: Number(values.batch), learningRate: values.lr ? Number(values.lr) : undefined,
  seed: Number(values.seed), outDir: out, resume: values.resume,
  onBatch: (b) => { if (b.batch % 20 === 0) console.log(`  epoch ${b.epoch} batch ${b.batch}/${b.batches} loss ${b.loss.toFixed(3)} acc ${b.accuracy.toFixed(3)} ${b.imagesPerSecond.toFixed(1)} img/s`); },
  onEpoch: (e) => console.log(`epoch ${e.epoch}: loss ${e.loss.toFixed(3)} acc ${e.accuracy.toFixed(4)} val_loss ${e.valLoss?.toFixed(3)} val_acc ${e.valAccuracy?.toFixed(4)} (${e.seconds.toFixed(0)} s)`),
});
console.log(`done; best validation accuracy ${result.meta.metrics.bestValAccuracy}`);
