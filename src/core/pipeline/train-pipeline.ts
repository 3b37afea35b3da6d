/**
 * From a preprocessed dataset to a trained, saved model: the one entry point
 * the CLI (`fer train`) and the app's Train buttons share, for any kind in the
 * model registry (core/models/registry.ts), or its "paper preset" variant.
 */
import { availableParallelism } from 'node:os';
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/init-backend.ts';
import { FerError } from '../errors.ts';
import { encodePca } from '../preprocess/pca-file.ts';
import { modelRecipe, recipeFor } from '../models/registry.ts';
import { sourceForModel } from '../input/model-input.ts';
import type { ModelMeta } from '../models/types.ts';
import type { PreprocessResult } from '../preprocess/preprocess-result.ts';
import { imageSource } from '../input/batch-source.ts';
import { NO_AUGMENT, type AugmentOptions } from '../input/batches.ts';
import { trainModel, type BatchEvent, type TrainConfig, type TrainResult } from '../train/trainer.ts';
import type { EpochRecord } from '../models/types.ts';

export interface TrainPipelineOptions {
  /** A user-facing kind of the model registry (e.g. "cnn"). */
  kind: string;
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

/** Training defaults of a registered kind (paper-preset kinds included: "paper-cnn"). */
export function defaultConfig(kind: string): TrainConfig {
  const r = modelRecipe(kind);
  if (!r) throw new FerError(`unknown model kind "${kind}"`, { kind: 'usage' });
  return { ...r.defaults };
}

/** Training augmentation of a registered kind's images. */
export function augmentFor(kind: string): AugmentOptions {
  return { ...(modelRecipe(kind)?.augment ?? NO_AUGMENT) };
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
  const recipe = recipeFor(opts.kind, opts.preset);
  const kind = recipe.kind;
  const base = recipe.defaults;
  const config: TrainConfig = {
    ...base,
    epochs: opts.epochs ?? base.epochs,
    batchSize: opts.batchSize ?? base.batchSize,
    learningRate: opts.learningRate ?? base.learningRate,
    seed: opts.seed ?? base.seed,
  };
  const k = pre.classes.length;
  const validation = pre.validation.count ? pre.validation : pre.test;
  let preprocessing: ModelMeta['preprocessing'];
  if (recipe.input === 'paper-pca') {
    if (!pre.pca || pre.channels !== 3)
      throw new FerError('the paper preset needs data preprocessed with --preset paper (RGB 32x32, PCA)', {
        kind: 'usage',
      });
    preprocessing = {
      size: pre.size,
      channels: 3,
      scale: 1 / 255,
      pca: { k: pre.pca.k, d: pre.pca.d, mode: 'paper-coefficients' },
    };
  } else {
    preprocessing = {
      size: pre.size,
      channels: 1,
      scale: 1 / 255,
      pca: pre.pca && pre.usePcaInput ? { k: pre.pca.k, d: pre.pca.d, mode: 'reconstruct' } : null,
    };
  }
  const inputShape = recipe.inputShape(pre.size);
  const build = (): tf.LayersModel => recipe.build(inputShape, k, { seed: config.seed });
  const metaStub = { preprocessing, inputShape } as ModelMeta;
  const pca = preprocessing.pca ? pre.pca : null;
  // Only the default models augment; PCA inputs are fixed feature rows.
  const train = preprocessing.pca
    ? sourceForModel(metaStub, pre.train.images, pre.train.labels, pca)
    : imageSource(pre.train.images, pre.train.labels, pre.size, augmentFor(kind));
  const val = validation.count ? sourceForModel(metaStub, validation.images, validation.labels, pca) : null;
  return trainModel({
    build,
    inputShape,
    train,
    validation: val,
    config,
    meta: { kind, classes: pre.classes, preprocessing, backend, options: { preset: opts.preset ?? 'default' } },
    outDir: opts.outDir,
    checkpointDir: opts.checkpointDir,
    resume: opts.resume,
    workers: opts.workers ?? defaultWorkers(backend),
    extraFiles: pca ? { 'pca.bin': encodePca(pca) } : undefined,
    onEpoch: opts.onEpoch,
    onBatch: opts.onBatch,
    signal: opts.signal,
  });
}
