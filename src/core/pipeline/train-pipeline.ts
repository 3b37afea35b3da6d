/**
 * From a preprocessed dataset to a trained, saved model: the one entry point
 * the CLI (`fer train`) and the app's Train buttons share. Knows the two
 * product models (cnn, rnn) and the reference application's "paper preset".
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/init-backend.ts';
import { FerError } from '../errors.ts';
import { encodePca } from '../preprocess/pca-file.ts';
import { buildCnn } from '../models/cnn.ts';
import { buildPaperCnn, buildPaperRnn } from '../models/paper.ts';
import { buildRnn } from '../models/rnn.ts';
import { sourceForModel } from '../input/model-input.ts';
import type { ModelKind, ModelMeta } from '../models/types.ts';
import type { PreprocessResult } from '../preprocess/preprocess.ts';
import { imageSource } from '../input/batch-source.ts';
import { DEFAULT_AUGMENT, type AugmentOptions } from '../input/batches.ts';
import { trainModel, type BatchEvent, type TrainConfig, type TrainResult } from '../train/trainer.ts';
import type { EpochRecord } from '../models/types.ts';

export interface TrainPipelineOptions {
  kind: 'cnn' | 'rnn';
  preset?: 'default' | 'paper';
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  outDir?: string;
  checkpointDir?: string;
  resume?: boolean;
  /** Threads computing gradients (data-parallel); default defaultWorkers() (shells pass RuntimeOptions.trainThreads). */
  workers?: number;
  onEpoch?: (e: EpochRecord) => void;
  onBatch?: (b: BatchEvent) => void;
  signal?: AbortSignal;
}

/** Defaults per model; the paper preset copies the reference application exactly. */
export function defaultConfig(kind: ModelKind): TrainConfig {
  if (kind === 'paper-cnn' || kind === 'paper-rnn') {
    return { epochs: 10, batchSize: 16, learningRate: 1e-3, schedule: 'constant', seed: 42, labelSmoothing: 0, classWeights: false, loss: kind === 'paper-rnn' ? 'binary' : 'categorical' };
  }
  return { epochs: kind === 'cnn' ? 30 : 20, batchSize: 64, learningRate: 2e-3, schedule: 'cosine', seed: 42, labelSmoothing: 0.1, classWeights: true, loss: 'categorical' };
}

/** Training augmentation per model: the RNN's row sequence gets milder shifts than the CNN. */
export function augmentFor(kind: 'cnn' | 'rnn'): AugmentOptions {
  return kind === 'cnn' ? DEFAULT_AUGMENT : { flip: true, shift: 2, jitter: 0.1 };
}

/**
 * Gradient threads when none are asked for: one per core up to 2 on wasm
 * (single-threaded per thread; bench/train.ts measures 1 and 2 workers), 1
 * elsewhere (tfjs-node already uses every core).
 */
export function defaultWorkers(backend: string): number {
  return backend === 'wasm' ? Math.max(1, Math.min(2, availableParallelism())) : 1;
}

export async function trainOnPreprocessed(pre: PreprocessResult, opts: TrainPipelineOptions): Promise<TrainResult> {
  const backend = await initBackend();
  const paper = opts.preset === 'paper';
  const kind: ModelKind = paper ? (opts.kind === 'cnn' ? 'paper-cnn' : 'paper-rnn') : opts.kind;
  const base = defaultConfig(kind);
  const config: TrainConfig = {
    ...base, epochs: opts.epochs ?? base.epochs, batchSize: opts.batchSize ?? base.batchSize,
    learningRate: opts.learningRate ?? base.learningRate, seed: opts.seed ?? base.seed,
  };
  const k = pre.classes.length;
  const validation = pre.validation.count ? pre.validation : pre.test;
  let inputShape: number[];
  let build: () => tf.LayersModel;
  let preprocessing: ModelMeta['preprocessing'];
  if (paper) {
    if (!pre.pca || pre.channels !== 3) throw new FerError('the paper preset needs data preprocessed with --preset paper (RGB 32x32, PCA)', { kind: 'usage' });
    preprocessing = { size: pre.size, channels: 3, scale: 1 / 255, pca: { k: pre.pca.k, d: pre.pca.d, mode: 'paper-coefficients' } };
    inputShape = kind === 'paper-cnn' ? [28, 28, 3] : [28, 84];
    build = () => (kind === 'paper-cnn' ? buildPaperCnn(k, config.seed) : buildPaperRnn(k, config.seed));
  } else {
    preprocessing = { size: pre.size, channels: 1, scale: 1 / 255, pca: pre.pca && pre.usePcaInput ? { k: pre.pca.k, d: pre.pca.d, mode: 'reconstruct' } : null };
    inputShape = kind === 'cnn' ? [pre.size, pre.size, 1] : [pre.size, pre.size];
    build = () => (kind === 'cnn' ? buildCnn([pre.size, pre.size, 1], k, { seed: config.seed }) : buildRnn([pre.size, pre.size], k, { seed: config.seed }));
  }
  const metaStub = { preprocessing, inputShape } as ModelMeta;
  const pca = preprocessing.pca ? pre.pca : null;
  // Only the default models augment; PCA inputs are fixed feature rows.
  const train = preprocessing.pca
    ? sourceForModel(metaStub, pre.train.images, pre.train.labels, pca)
    : imageSource(pre.train.images, pre.train.labels, pre.size, augmentFor(opts.kind));
  const val = validation.count ? sourceForModel(metaStub, validation.images, validation.labels, pca) : null;
  return trainModel({
    build, inputShape, train, validation: val, config,
    meta: { kind, classes: pre.classes, preprocessing, backend, options: { preset: opts.preset ?? 'default' } },
    outDir: opts.outDir, checkpointDir: opts.checkpointDir, resume: opts.resume, workers: opts.workers ?? defaultWorkers(backend),
    extraFiles: pca ? { 'pca.bin': encodePca(pca) } : undefined,
    onEpoch: opts.onEpoch, onBatch: opts.onBatch, signal: opts.signal,
  });
}
