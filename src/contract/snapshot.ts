/**
 * The data the backend shows the renderer. Plain JSON (it crosses IPC and
 * WebSocket), and deliberately free of file-system paths: the renderer gets
 * display names only. These mirror the core's result types; src/app converts,
 * so the renderer never depends on core modules (which import Node APIs).
 */

import type { ModelSlot } from './model-kinds.ts';

export type { ModelSlot } from './model-kinds.ts';

export type JobKind = 'load-dataset' | 'preprocess' | 'train' | 'compare' | 'predict';

/** The face detectors a user can choose: YuNet (default) or the reference application's Haar cascade. */
export const DETECTOR_KINDS = ['yunet', 'haar'] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

export interface DetectorState {
  /** What the user chose (Predict and the live view use it). */
  kind: DetectorKind;
  /** What runs, e.g. "YuNet (onnxruntime-node)" or "Haar cascade (opencv.js)"; null until it is opened. */
  inUse: string | null;
  /** Why YuNet was chosen but Haar runs (no ONNX Runtime loads here...); null otherwise. */
  fallback: string | null;
}

export interface DatasetSummary {
  /** What the user picked, e.g. "X.txt.npy (+ Y.txt.npy)", "sample: paper-format". */
  name: string;
  format: 'npy' | 'csv' | 'folder';
  count: number;
  classes: string[];
  perClass: Record<string, number>;
  imageShape: [number, number, number];
  splits: { train: number; validation: number; test: number } | null;
}

export interface PreprocessSummary {
  size: number;
  channels: 1 | 3;
  classes: string[];
  counts: { train: number; validation: number; test: number };
  /** Values per image in the data as loaded (h*w*c). */
  featuresBefore: number;
  /** Values per image after resizing (size*size*channels): PCA's input. */
  featuresResized: number;
  /** Values per image the models' input goes through: PCA components, or featuresResized without PCA. */
  featuresAfter: number;
  /** Fraction of variance the kept PCA components explain, or null without PCA. */
  explainedVariance: number | null;
  seconds: number;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
}

export interface ModelSummary {
  slot: ModelSlot;
  /** 'pretrained': shipped in models/; 'trained': trained in this session. */
  origin: 'pretrained' | 'trained';
  /** Human description, e.g. "pretrained CNN (models/cnn, FER2013)". */
  description: string;
  classes: string[];
  inputSize: number;
  history: EpochPoint[];
  backend: string;
  createdAt: string;
}

export interface TestReport {
  slot: ModelSlot;
  accuracy: number;
  n: number;
  classes: string[];
  /** confusion[true][predicted] */
  confusion: number[][];
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  /** Which data the report is on, e.g. "test split of fer2013-sample.csv (14 images)". */
  on: string;
}

export interface JobSummary {
  id: string;
  kind: JobKind;
  /** e.g. "Training CNN" */
  label: string;
  startedAt: number;
  /** The model a training job trains. */
  model?: ModelSlot;
}

export interface SampleInfo {
  id: string;
  label: string;
}

export interface SessionSnapshot {
  backend: string | null;
  /** The ONNX Runtime the classifiers run on (e.g. 'onnxruntime-node'); null: TensorFlow.js on `backend`. */
  classifiers: string | null;
  dataset: DatasetSummary | null;
  preprocessed: PreprocessSummary | null;
  /** Every slot of the app (modelSlots()), null where no model is loaded. */
  models: Record<ModelSlot, ModelSummary | null>;
  reports: Partial<Record<ModelSlot, TestReport>>;
  job: JobSummary | null;
  samples: SampleInfo[];
  detector: DetectorState;
}

export interface FacePrediction {
  box: [number, number, number, number];
  /** Per model slot: the winning label and all class probabilities. */
  models: Partial<Record<ModelSlot, { label: string; probabilities: Record<string, number> }>>;
}

export interface PredictionResult {
  file: string;
  width: number;
  height: number;
  faces: FacePrediction[];
  /** True when no face was found and the whole image was classified instead. */
  wholeImage: boolean;
  /** Descriptions of the models that answered, per slot. */
  modelsUsed: Partial<Record<ModelSlot, string>>;
}
