/** What preprocessing produces and what a preprocessed folder holds (preprocess.ts writes it, preprocessed-io.ts stores it). */
import type { PcaModel } from './pca.ts';

export type Preset = 'default' | 'paper';

export interface SplitPart {
  /** uint8 [count, size, size, channels]. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface PreprocessReport {
  imagesBefore: number;
  imagesAfter: number;
  /** h*w*c of the source images. */
  featuresBefore: number;
  /** size*size*channels, or k with PCA. */
  featuresAfter: number;
  /** Share of the train part's variance the kept components explain; null without PCA. */
  explainedVariance: number | null;
  /** Whole preprocessing, seconds. */
  seconds: number;
  pcaSeconds: number;
}

export interface PreprocessResult {
  preset: Preset;
  size: number;
  channels: 1 | 3;
  classes: string[];
  train: SplitPart;
  validation: SplitPart;
  test: SplitPart;
  pca: PcaModel | null;
  /** Whether the models take their input through the PCA (it was asked for). */
  usePcaInput: boolean;
  report: PreprocessReport;
}
