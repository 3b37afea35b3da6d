/** What a saved model knows about itself (written as meta.json beside model.json). */
/** A kind of the model registry (models/registry.ts): "cnn", "rnn", "paper-cnn"... */
export type ModelKind = string;

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Only for the paper preset: Keras-style binary accuracy over the 7 outputs. */
  binaryAccuracy?: number;
  seconds: number;
}

export interface ModelMeta {
  format: 'fer-studio-model';
  version: 1;
  kind: ModelKind;
  classes: string[];
  /** Model input as the network sees it, e.g. [48, 48, 1] or [48, 48] for row sequences. */
  inputShape: number[];
  /** How raw 0..255 gray/RGB pixels become the input. */
  preprocessing: {
    size: number;
    channels: 1 | 3;
    scale: number;
    /** PCA file (pca.bin) beside the model when the input is PCA-based. */
    pca: null | { k: number; d: number; mode: 'reconstruct' | 'paper-coefficients' };
  };
  history: EpochRecord[];
  metrics: Record<string, number>;
  backend: string;
  machine: string;
  seconds: number;
  seed: number;
  params: number;
  options: Record<string, unknown>;
  createdAt: string;
}
