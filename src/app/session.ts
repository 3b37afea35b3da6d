/**
 * What the user has built up in this session: the dataset, its preprocessed
 * splits, the current model of each slot (one per registered kind: CNN, RNN...;
 * pretrained or trained here) and their test reports. Replacing the dataset invalidates what was derived from it; models
 * stay (they can still predict), and tf memory of replaced models is freed.
 */
import {
  MODEL_SLOTS,
  type DatasetSummary,
  type DetectorState,
  type JobSummary,
  type ModelSlot,
  type ModelSummary,
  type PreprocessSummary,
  type SampleInfo,
  type SessionSnapshot,
  type TestReport,
} from '../contract/contract.ts';
import type { Dataset } from '../core/dataset/types.ts';
import type { GalleryModelInput } from '../core/eval/gallery.ts';
import type { FerModel } from '../core/model-io/load-fer-model.ts';
import type { PreprocessResult } from '../core/preprocess/preprocess-result.ts';

export interface LoadedDataset {
  ds: Dataset;
  summary: DatasetSummary;
}
export interface Preprocessed {
  result: PreprocessResult;
  summary: PreprocessSummary;
  datasetName: string;
}
export interface SessionModel {
  fer: FerModel;
  summary: ModelSummary;
}

export class Session {
  backend: string | null = null;
  /** The ONNX Runtime that classifies, or null for TensorFlow.js (app-service sets it at start). */
  classifiers: string | null = null;
  dataset: LoadedDataset | null = null;
  pre: Preprocessed | null = null;
  /** Per slot; a slot without a model is absent or null. */
  readonly models: Partial<Record<ModelSlot, SessionModel | null>> = {};
  reports: Partial<Record<ModelSlot, TestReport>> = {};
  /** Per slot with a report: every test image's probabilities, for the confusion gallery. */
  evaluations: Partial<Record<ModelSlot, GalleryModelInput>> = {};
  /** The face detector chosen for Predict and the live view, and what runs (app-service opens it). */
  detector: DetectorState = { kind: 'yunet', inUse: null, fallback: null };

  setDataset(d: LoadedDataset): void {
    this.dataset = d;
    this.pre = null;
    this.reports = {};
    this.evaluations = {};
  }

  setPreprocessed(p: Preprocessed): void {
    this.pre = p;
    this.reports = {};
    this.evaluations = {};
  }

  setModel(slot: ModelSlot, m: SessionModel): void {
    const old = this.models[slot];
    if (old && old.fer !== m.fer) old.fer.model.dispose();
    this.models[slot] = m;
    delete this.reports[slot];
    delete this.evaluations[slot];
  }

  /** The slots holding a model: the app's slots in registry order, then any other. */
  loadedSlots(): ModelSlot[] {
    const extra = Object.keys(this.models).filter((s) => !MODEL_SLOTS.includes(s));
    return [...MODEL_SLOTS, ...extra].filter((s) => this.models[s]);
  }

  loadedModels(): FerModel[] {
    return this.loadedSlots().map((s) => this.models[s]!.fer);
  }

  snapshot(job: JobSummary | null, samples: SampleInfo[]): SessionSnapshot {
    return {
      backend: this.backend,
      classifiers: this.classifiers,
      dataset: this.dataset ? structuredClone(this.dataset.summary) : null,
      preprocessed: this.pre ? structuredClone(this.pre.summary) : null,
      models: Object.fromEntries(
        [...new Set([...MODEL_SLOTS, ...this.loadedSlots()])].map((s) => [
          s,
          this.models[s] ? structuredClone(this.models[s].summary) : null,
        ]),
      ),
      reports: structuredClone(this.reports),
      job,
      samples,
      detector: { ...this.detector },
    };
  }

  dispose(): void {
    for (const m of this.loadedModels()) m.model.dispose();
    for (const s of Object.keys(this.models)) delete this.models[s];
  }
}
