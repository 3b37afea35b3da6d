/**
 * Trains the shipped models on full FER2013 (train split) and selects on
 * PublicTest. Writes runs/<kind> (not models/: the shipped models were trained on a
 * GPU, scripts/gpu/, and a fresh run here must not overwrite them; pass --out models/<kind>
 * to replace them). Checkpoints every epoch to runs/.checkpoints/<kind>; run again
 * with --resume after any interruption to continue where it stopped.
 *
 *   npx tsx scripts/train-fer2013.ts --model cnn --epochs 30 [--resume] [--limit N]
 *
 * With --preset paper it runs the reference application's pipeline instead
 * (RGB 32x32 -> PCA 2,352 fitted on train -> its CNN/LSTM, its epochs, batch and
 * loss) with PublicTest held out, into runs/paper-<kind>, and writes the
 * summary models/REPORT.md quotes to models/paper/<kind>.json (the PCA file is
 * 29 MB: the model itself is not shipped).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { FER_CLASSES } from '../src/core/dataset/types.ts';
import { recipeFor } from '../src/core/models/registry.ts';
import { trainOnPreprocessed } from '../src/core/pipeline/train-pipeline.ts';
import { SPLIT, type Dataset } from '../src/core/dataset/types.ts';
import { preprocessDataset } from '../src/core/preprocess/preprocess.ts';
import type { PreprocessResult } from '../src/core/preprocess/preprocess-result.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    epochs: { type: 'string', default: '30' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string' },
    seed: { type: 'string', default: '42' },
    resume: { type: 'boolean', default: false },
    limit: { type: 'string' },
    out: { type: 'string' },
    preset: { type: 'string', default: 'default' },
    workers: { type: 'string' },
    data: { type: 'string', default: '../shared/datasets/fer2013' },
  },
});
const kind = values.model!;
// Any kind of the model registry; a misspelt one is refused, not trained as another.
recipeFor(kind, values.preset === 'paper' ? 'paper' : 'default');
const backend = await initBackend(runtimeOptionsFromEnv(process.env).backend); // FER_BACKEND, as the shells read it
async function load(split: string, limit?: number) {
  const x = parseNpy(new Uint8Array(await fs.readFile(path.join(values.data!, `${split}.X.npy`))), split);
  const y = parseNpy(new Uint8Array(await fs.readFile(path.join(values.data!, `${split}.Y.npy`))), split);
  const n = Math.min(limit ?? Infinity, y.shape[0]);
  return {
    images: (x.data as Uint8Array).subarray(0, n * 48 * 48),
    labels: Uint8Array.from(y.data as Uint8Array).subarray(0, n),
  };
}
const limit = values.limit ? Number(values.limit) : undefined;
const train = await load('train', limit);
const val = await load('publictest', limit ? Math.ceil(limit / 4) : undefined);
const part = (p: { images: Uint8Array; labels: Uint8Array }) => ({ ...p, count: p.labels.length });
const paper = values.preset === 'paper';
// Already 48x48 gray: the same pipeline as `fer train`, with PublicTest as the validation part.
const pre: PreprocessResult = paper
  ? await paperPreprocess()
  : {
      preset: 'default',
      size: 48,
      channels: 1,
      classes: [...FER_CLASSES],
      train: part(train),
      validation: part(val),
      test: part({ images: new Uint8Array(0), labels: new Uint8Array(0) }),
      pca: null,
      usePcaInput: false,
      report: {
        imagesBefore: train.labels.length + val.labels.length,
        imagesAfter: train.labels.length + val.labels.length,
        featuresBefore: 2304,
        featuresAfter: 2304,
        explainedVariance: null,
        seconds: 0,
        pcaSeconds: 0,
      },
    };
const out = values.out ?? (paper ? `runs/paper-${kind}` : `runs/${kind}`);
console.log(`backend ${backend}; ${kind}; train ${train.labels.length}, validation ${val.labels.length}; out ${out}`);
const result = await trainOnPreprocessed(pre, {
  kind,
  preset: paper ? 'paper' : 'default',
  epochs: paper ? undefined : Number(values.epochs),
  batchSize: Number(values.batch),
  learningRate: values.lr ? Number(values.lr) : undefined,
  seed: Number(values.seed),
  outDir: out,
  resume: values.resume,
  workers: values.workers ? Number(values.workers) : undefined,
  onBatch: (b) => {
    if (b.batch % 20 === 0)
      console.log(
        `  epoch ${b.epoch} batch ${b.batch}/${b.batches} loss ${b.loss.toFixed(3)} acc ${b.accuracy.toFixed(3)} ${b.imagesPerSecond.toFixed(1)} img/s`,
      );
  },
  onEpoch: (e) =>
    console.log(
      `epoch ${e.epoch}: loss ${e.loss.toFixed(3)} acc ${e.accuracy.toFixed(4)} val_loss ${e.valLoss?.toFixed(3)} val_acc ${e.valAccuracy?.toFixed(4)} (${e.seconds.toFixed(0)} s)`,
    ),
});
console.log(`done; best validation accuracy ${result.meta.metrics.bestValAccuracy}`);
if (paper) await writePaperSummary();

/** The paper preset's own preprocessing (RGB 32x32, PCA to 2,352 fitted on train only), PublicTest as validation. */
async function paperPreprocess(): Promise<PreprocessResult> {
  const n = train.labels.length + val.labels.length;
  const images = new Uint8Array(n * 2304);
  images.set(train.images);
  images.set(val.images, train.images.length);
  const labels = new Uint8Array(n);
  labels.set(train.labels);
  labels.set(val.labels, train.labels.length);
  const split = new Uint8Array(n).fill(SPLIT.validation, 0, n).fill(SPLIT.train, 0, train.labels.length);
  const ds: Dataset = {
    format: 'npy',
    source: values.data!,
    classes: [...FER_CLASSES],
    count: n,
    height: 48,
    width: 48,
    channels: 1,
    images,
    labels,
    split,
  };
  // test: 0 keeps all of FER2013 train for training (PublicTest is the held-out part).
  const p = await preprocessDataset(ds, { preset: 'paper', test: 0 });
  console.log(
    `paper preprocessing: ${p.report.featuresBefore} -> ${p.report.featuresAfter} features, explained variance ${p.report.explainedVariance?.toFixed(4)}, PCA ${p.report.pcaSeconds.toFixed(1)} s`,
  );
  return p;
}

async function writePaperSummary(): Promise<void> {
  const m = result.meta;
  const last = m.history.at(-1);
  const summary = {
    kind: m.kind,
    backend: m.backend,
    epochs: m.history.length,
    trainImages: pre.train.count,
    publicTestImages: pre.validation.count,
    pca: {
      components: pre.report.featuresAfter,
      explainedVariance: pre.report.explainedVariance,
      seconds: pre.report.pcaSeconds,
    },
    finalTrainAccuracy: last?.accuracy ?? null,
    finalTrainBinaryAccuracy: last?.binaryAccuracy ?? null,
    finalPublicTestAccuracy: last?.valAccuracy ?? null,
    bestPublicTestAccuracy: m.metrics.bestValAccuracy,
    history: m.history,
    command: `npx tsx scripts/train-fer2013.ts --preset paper --model ${kind} --seed ${values.seed}`,
  };
  await fs.mkdir('models/paper', { recursive: true });
  await fs.writeFile(`models/paper/${kind}.json`, `${JSON.stringify(summary, null, 2)}\n`);
}
