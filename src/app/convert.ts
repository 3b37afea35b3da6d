/**
 * Core results -> the contract's wire types. This is the one place where the
 * core's shapes meet the renderer's, so the type checker catches any drift.
 */
import type {
  PredictionResult,
  DatasetSummary,
  EpochPoint,
  ModelSlot,
  ModelSummary,
  TestReport,
} from '../contract/contract.ts';
import type { DatasetInfo } from '../core/dataset/load-dataset.ts';
import type { Dataset } from '../core/dataset/types.ts';
import type { EvalReport } from '../core/eval/metrics.ts';
import type { FerModel } from '../core/model-io/load-fer-model.ts';
import type { EpochRecord } from '../core/models/types.ts';
import type { ImagePrediction } from '../core/predict/predict-image.ts';

export function toDatasetSummary(info: DatasetInfo, name: string): DatasetSummary {
  return { name, ...info };
}

export function toEpochPoint(r: EpochRecord): EpochPoint {
  return {
    epoch: r.epoch,
    loss: r.loss,
    accuracy: r.accuracy,
    valLoss: r.valLoss,
    valAccuracy: r.valAccuracy,
    seconds: r.seconds,
  };
}

export function toModelSummary(
  slot: ModelSlot,
  m: FerModel,
  origin: ModelSummary['origin'],
  description: string,
): ModelSummary {
  return {
    slot,
    origin,
    description,
    classes: [...m.meta.classes],
    inputSize: m.meta.preprocessing.size,
    history: m.meta.history.map(toEpochPoint),
    backend: m.meta.backend,
    createdAt: m.meta.createdAt,
  };
}

export function toTestReport(slot: ModelSlot, r: EvalReport, on: string): TestReport {
  return {
    slot,
    accuracy: r.accuracy,
    n: r.n,
    classes: [...r.classes],
    confusion: r.confusion,
    perClass: r.perClass,
    on,
  };
}

export function toPrediction(p: ImagePrediction, modelsUsed: PredictionResult['modelsUsed']): PredictionResult {
  return {
    file: p.file,
    width: p.width,
    height: p.height,
    wholeImage: p.wholeImage,
    modelsUsed,
    faces: p.faces.map((f) => ({
      box: f.box,
      // predictImage keys answers by the slots the caller named (predict-job passes the session's).
      models: { ...f.models },
    })),
  };
}

/** A split of a preprocessed dataset: uint8 pixels at the preprocessed size. */
export interface SplitPart {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** One split of a preprocessed dataset as a Dataset, so evaluateModel can read it. */
export function splitAsDataset(
  part: SplitPart,
  meta: { classes: string[]; size: number; channels: 1 | 3; source: string },
): Dataset {
  return {
    format: 'npy',
    source: meta.source,
    classes: meta.classes,
    count: part.count,
    height: meta.size,
    width: meta.size,
    channels: meta.channels,
    images: part.images,
    labels: part.labels,
    split: null,
  };
}
