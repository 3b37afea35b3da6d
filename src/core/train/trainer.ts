/**
 * The training loop shared by the CLI, the desktop app and the training
 * scripts: seeded shuffles and augmentation, a learning-rate schedule,
 * per-batch and per-epoch callbacks, cooperative cancel, an atomic checkpoint
 * after every epoch (resumable) and the best-by-validation model kept apart.
 */
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FerError } from '../errors.ts';
import type { EpochRecord, ModelMeta } from '../models/types.ts';
import { loadModelDir, loadTrainingState, saveModelDir } from '../model-io/model-files.ts';
import { mulberry32, shuffleInPlace } from '../random.ts';
import type { BatchSource } from '../input/batch-source.ts';
import { accuracyOf, argmaxRows, predictAll } from './infer.ts';
import { balancedClassWeights } from './losses.ts';
import { learningRateAt, type Schedule } from './schedule.ts';
import { recalibrateBatchNorm } from './precise-bn.ts';
import { startGradientPool } from './parallel/gradient-pool.ts';
import { BatchFiller, batchPrefetch, type FilledBatch } from './batch-filler.ts';

/** Clean training images used to re-estimate batch-norm statistics after each epoch. */
const PRECISE_BN_IMAGES = 2048;

export interface BatchEvent {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  schedule: Schedule;
  seed: number;
  labelSmoothing: number;
  classWeights: boolean;
  loss: 'categorical' | 'binary';
}

export interface TrainRequest {
  build: () => tf.LayersModel;
  /** Shape of one example as the model sees it. */
  inputShape: number[];
  train: BatchSource;
  validation: BatchSource | null;
  config: TrainConfig;
  /** Everything meta.json needs that the trainer does not know itself. */
  meta: Pick<ModelMeta, 'kind' | 'classes' | 'preprocessing' | 'options'> & { backend: string };
  /** Best-by-validation model goes here (what eval, predict and the app load). */
  outDir?: string;
  /** Latest epoch with optimizer state; default `<parent of outDir>/.checkpoints/<name>`. */
  checkpointDir?: string;
  resume?: boolean;
  extraFiles?: Record<string, Uint8Array>;
  onEpoch?: (e: EpochRecord) => void;
  onBatch?: (b: BatchEvent) => void;
  signal?: AbortSignal;
  /**
   * Threads that share each batch (data parallel, see parallel/gradient-pool.ts);
   * default 1: everything on the calling thread. Ignored on tfjs-node, which
   * already uses every core.
   */
  workers?: number;
}

export interface TrainResult {
  model: tf.LayersModel;
  meta: ModelMeta;
  cancelled: boolean;
}

interface ResumeState {
  epoch: number;
  history: EpochRecord[];
  bestValAccuracy: number;
  seconds: number;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function trainModel(req: TrainRequest): Promise<TrainResult> {
  const { config } = req;
  const classes = req.meta.classes.length;
  const workers = req.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1)
    throw new FerError(`workers must be a whole number >= 1 (got ${workers})`, { kind: 'usage' });
  let model: tf.LayersModel;
  let state: ResumeState = { epoch: 0, history: [], bestValAccuracy: -1, seconds: 0 };
  const optimizer = tf.train.adam(config.learningRate);
  const ckptDir = req.checkpointDir ?? (req.outDir ? defaultCheckpointDir(req.outDir) : null);
  const saved = req.resume && ckptDir ? await loadTrainingState(ckptDir) : null;
  if (saved && ckptDir) {
    model = (await loadModelDir(ckptDir)).model;
    state = saved.state as ResumeState;
    await optimizer.setWeights(saved.optimizer);
    // setWeights copies into new variables; the decoded tensors are ours to free.
    saved.optimizer.forEach((w) => w.tensor.dispose());
  } else {
    if (req.resume && req.outDir)
      throw new FerError('no checkpoint to resume from', { file: ckptDir ?? req.outDir, kind: 'not-found' });
    model = req.build();
  }
  const weights = config.classWeights ? balancedClassWeights(req.train.labels, classes) : null;
  const n = req.train.count;
  const bs = config.batchSize;
  const batches = Math.ceil(n / bs);
  const filler = new BatchFiller(req.train, classes, bs, config.labelSmoothing, weights);
  let meta = buildMeta(req, model, state);
  let cancelled = false;
  const pool = await startGradientPool({ model, inputShape: req.inputShape, classes, loss: config.loss, workers });
  // The pool's threads must end however the loop does (done, cancelled or thrown).
  try {
    for (let epoch = state.epoch + 1; epoch <= config.epochs && !cancelled; epoch++) {
      const t0 = Date.now();
      (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(config, epoch);
      const rng = mulberry32(config.seed * 1000 + epoch);
      const order = shuffleInPlace(
        Uint32Array.from({ length: n }, (_, i) => i),
        rng,
      );
      let lossSum = 0,
        correct = 0,
        binSum = 0,
        seen = 0;
      const batchAt = (b: number) => filler.fill(order.subarray(b * bs, Math.min(n, (b + 1) * bs)), rng);
      const prefetch = batchPrefetch();
      let next: FilledBatch | null = null;
      for (let b = 0; b < batches; b++) {
        if (req.signal?.aborted) {
          cancelled = true;
          break;
        }
        const { x, y, w, m } = next ?? batchAt(b);
        const step = pool.step(optimizer, x, y, w, m);
        // step() has computed the main thread's shard before it first waits: batch b+1 is
        // augmented (same rng, same order) while the worker finishes batch b.
        next = prefetch && b + 1 < batches ? batchAt(b + 1) : null;
        const { loss: lv, correct: cv, bin: bv } = await step;
        lossSum += lv * m;
        correct += cv;
        binSum += bv;
        seen += m;
        req.onBatch?.({
          epoch,
          batch: b + 1,
          batches,
          loss: lossSum / seen,
          accuracy: correct / seen,
          imagesPerSecond: seen / ((Date.now() - t0) / 1000),
        });
        await yieldToEventLoop();
      }
      if (cancelled) break;
      // Moving BN statistics lag the weights; re-estimate them from clean training images.
      // The gradient workers (if any) take their share of its batches: the same statistics, sooner.
      const bnIdx = order.subarray(0, Math.min(n, PRECISE_BN_IMAGES));
      await recalibrateBatchNorm(model, req.train, req.inputShape, bnIdx, undefined, pool.momentsHelpers());
      const val = req.validation ? await validate(model, req.validation, req.inputShape, classes, req.signal) : null;
      const rec: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        accuracy: correct / seen,
        valLoss: val?.loss ?? null,
        valAccuracy: val?.accuracy ?? null,
        ...(config.loss === 'binary' ? { binaryAccuracy: binSum / seen } : {}),
        seconds: (Date.now() - t0) / 1000,
      };
      const isBest = (rec.valAccuracy ?? rec.accuracy) > state.bestValAccuracy;
      state = {
        epoch,
        history: [...state.history, rec],
        bestValAccuracy: Math.max(state.bestValAccuracy, rec.valAccuracy ?? rec.accuracy),
        seconds: state.seconds + rec.seconds,
      };
      meta = buildMeta(req, model, state);
      if (req.outDir && ckptDir) {
        // Best model first, checkpoint second: a kill between the two makes --resume redo this
        // epoch and save its best again, instead of skipping past a best model never written.
        if (isBest) await saveModelDir(req.outDir, model, meta, { files: req.extraFiles });
        const slots = await optimizer.getWeights();
        await saveModelDir(ckptDir, model, meta, { optimizer: slots, state, files: req.extraFiles });
        // getWeights() returns the live slot variables plus a fresh 'iter' scalar; only that one is ours to free.
        slots.filter((s) => s.name === 'iter').forEach((s) => s.tensor.dispose());
      }
      req.onEpoch?.(rec);
    }
  } finally {
    await pool.close();
  }
  optimizer.dispose();
  return { model, meta, cancelled };
}

async function validate(
  model: tf.LayersModel,
  source: BatchSource,
  inputShape: number[],
  classes: number,
  signal?: AbortSignal,
) {
  const probs = await predictAll(model, source, inputShape, { signal });
  let loss = 0;
  for (let i = 0; i < source.count; i++) loss -= Math.log(Math.max(1e-7, probs[i * classes + source.labels[i]]));
  return { loss: loss / source.count, accuracy: accuracyOf(argmaxRows(probs, classes), source.labels) };
}

export function defaultCheckpointDir(outDir: string): string {
  const abs = path.resolve(outDir);
  return path.join(path.dirname(abs), '.checkpoints', path.basename(abs));
}

function buildMeta(req: TrainRequest, model: tf.LayersModel, state: ResumeState): ModelMeta {
  const last = state.history.at(-1);
  const best = state.history.reduce<EpochRecord | undefined>(
    (a, r) => (!a || (r.valAccuracy ?? r.accuracy) > (a.valAccuracy ?? a.accuracy) ? r : a),
    undefined,
  );
  return {
    format: 'fer-studio-model',
    version: 1,
    kind: req.meta.kind,
    classes: req.meta.classes,
    inputShape: req.inputShape,
    preprocessing: req.meta.preprocessing,
    history: state.history,
    metrics: {
      ...(last ? { lastTrainAccuracy: last.accuracy } : {}),
      ...(best?.valAccuracy != null ? { bestValAccuracy: best.valAccuracy, bestEpoch: best.epoch } : {}),
    },
    backend: req.meta.backend,
    machine: `${os.cpus().length}x ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()}`,
    seconds: state.seconds,
    seed: req.config.seed,
    params: model.countParams(),
    options: { ...req.meta.options, ...req.config },
    createdAt: new Date().toISOString(),
  };
}
