/**
 * The model registry: per kind, how to build it, the input it reads, its
 * training defaults and augmentation, and the reference application's variant
 * that `--preset paper` trains instead. The training pipeline, the CLI, the
 * app and the PyTorch import look kinds up here; the user-facing half (label,
 * description, slots) is contract/model-kinds.ts, which registerModelKind
 * fills too, so one call adds a kind to every shell and to the renderer.
 * The types are spelled structurally (not imported from train/ or input/),
 * so models/ stays below them.
 */
import type * as tf from '@tensorflow/tfjs';
import { modelKindInfo, registerModelKindInfo, type ModelKindInfo } from '../../contract/model-kinds.ts';
import { FerError } from '../errors.ts';
import { buildCnn } from './cnn.ts';
import { buildPaperCnn, buildPaperRnn } from './paper.ts';
import { buildRnn } from './rnn.ts';

/** Training defaults of a kind (the trainer's TrainConfig). */
export interface TrainDefaults {
  epochs: number;
  batchSize: number;
  learningRate: number;
  schedule: 'constant' | 'cosine';
  seed: number;
  labelSmoothing: number;
  classWeights: boolean;
  loss: 'categorical' | 'binary';
}

/** Training augmentation of image inputs (the batch filler's AugmentOptions). */
export interface AugmentDefaults { flip: boolean; shift: number; jitter: number }

export interface ModelRecipe {
  kind: string;
  /**
   * What it reads: 'gray' = size x size gray images scaled to 0..1 (reconstructed from PCA when
   * the data was preprocessed with PCA input); 'paper-pca' = the reference application's PCA
   * coefficients of RGB 32x32 images (data preprocessed with --preset paper).
   */
  input: 'gray' | 'paper-pca';
  /** Shape of one example for images of `size` x `size`. */
  inputShape(size: number): number[];
  /** `options`: kind-specific settings, e.g. the CNN's `stages` of an imported PyTorch run. */
  build(inputShape: number[], numClasses: number, opts: { seed: number; options?: Record<string, unknown> }): tf.LayersModel;
  defaults: TrainDefaults;
  /** Augmentation while training on images; null for none. */
  augment: AugmentDefaults | null;
  /** The kind `--preset paper` trains in its place (the reference application's network), if any. */
  paper?: string;
  /** Has a layer-for-layer PyTorch twin (bench/baselines/fer_models.py) whose weights `import-torch-weights` loads. */
  torchTwin?: boolean;
}

const RECIPES = new Map<string, ModelRecipe>();

/**
 * Adds a kind everywhere: `info` (label, description) makes it a user-facing kind (train
 * buttons, `fer train --model`, the contract's train request); without it the kind is internal
 * (the paper preset's networks). A kind whose info the contract already registers passes none.
 */
export function registerModelKind(recipe: ModelRecipe, info?: Omit<ModelKindInfo, 'kind'>): void {
  if (RECIPES.has(recipe.kind)) throw new Error(`model kind "${recipe.kind}" is already registered`);
  if (info) registerModelKindInfo({ kind: recipe.kind, ...info });
  RECIPES.set(recipe.kind, recipe);
}

export function modelRecipe(kind: string): ModelRecipe | undefined {
  return RECIPES.get(kind);
}

/** The recipe of a user-facing kind, or of its paper-preset variant. */
export function recipeFor(kind: string, preset: 'default' | 'paper' = 'default'): ModelRecipe {
  const r = RECIPES.get(kind);
  if (!r || !modelKindInfo(kind)) throw new FerError(`unknown model kind "${kind}"`, { kind: 'usage' });
  if (preset === 'default') return r;
  const paper = r.paper ? RECIPES.get(r.paper) : undefined;
  if (!paper) throw new FerError(`the ${modelKindInfo(kind)!.label} has no --preset paper variant`, { kind: 'usage' });
  return paper;
}

/** Kinds with a paper-preset variant (what `--preset paper` accepts). */
export function paperKinds(): string[] {
  return [...RECIPES.values()].filter((r) => r.paper && modelKindInfo(r.kind)).map((r) => r.kind);
}

const PRODUCT_DEFAULTS = { batchSize: 64, learningRate: 2e-3, schedule: 'cosine', seed: 42, labelSmoothing: 0.1, classWeights: true, loss: 'categorical' } as const;
/** The reference application's recipe, copied exactly: batch 16, Adam 0.001, 10 epochs, no smoothing or weighting. */
const PAPER_DEFAULTS = { epochs: 10, batchSize: 16, learningRate: 1e-3, schedule: 'constant', seed: 42, labelSmoothing: 0, classWeights: false } as const;

const stagesOption = (o?: Record<string, unknown>) => (Array.isArray(o?.stages) ? (o.stages as number[][]) : undefined);

registerModelKind({
  kind: 'cnn', input: 'gray', inputShape: (s) => [s, s, 1], torchTwin: true, paper: 'paper-cnn',
  build: (shape, k, o) => buildCnn(shape as [number, number, number], k, { seed: o.seed, stages: stagesOption(o.options) }),
  defaults: { ...PRODUCT_DEFAULTS, epochs: 30 },
  augment: { flip: true, shift: 4, jitter: 0.2 },
});
registerModelKind({
  kind: 'rnn', input: 'gray', inputShape: (s) => [s, s], torchTwin: true, paper: 'paper-rnn',
  // Sigmoid gates (buildRnn's default), as PyTorch's LSTM has: the torch import relies on it.
  build: (shape, k, o) => buildRnn(shape as [number, number], k, { seed: o.seed, recurrentActivation: 'sigmoid' }),
  defaults: { ...PRODUCT_DEFAULTS, epochs: 20 },
  // The row sequence gets milder shifts than the CNN.
  augment: { flip: true, shift: 2, jitter: 0.1 },
});
registerModelKind({
  kind: 'paper-cnn', input: 'paper-pca', inputShape: () => [28, 28, 3],
  build: (_shape, k, o) => buildPaperCnn(k, o.seed), defaults: { ...PAPER_DEFAULTS, loss: 'categorical' }, augment: null,
});
registerModelKind({
  kind: 'paper-rnn', input: 'paper-pca', inputShape: () => [28, 84],
  // The reference compiled its LSTM with binary cross-entropy (the "88 %" artifact).
  build: (_shape, k, o) => buildPaperRnn(k, o.seed), defaults: { ...PAPER_DEFAULTS, loss: 'binary' }, augment: null,
});
