/**
 * Weights trained by PyTorch (scripts/gpu/train_torch_gpu.py on a lent GPU) put
 * into the app's own tfjs models. The exporter writes, per weighted layer, the
 * arrays in tfjs's layout and per-layer order; this module builds the matching
 * architecture, checks every layer type and shape before it sets anything (a
 * silent mismatch would give a model that loads and answers nonsense), and
 * writes meta.json from the run's history.
 */
import * as tf from '@tensorflow/tfjs';
import { FER_CLASSES } from '../dataset/types.ts';
import { FerError } from '../errors.ts';
import { modelRecipe, type ModelRecipe } from '../models/registry.ts';
import type { EpochRecord, ModelMeta } from '../models/types.ts';

export interface TorchLayer {
  type: string;
  shapes: number[][];
  epsilon?: number;
  recurrentActivation?: string;
}

export interface TorchEpoch {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  emaValLoss: number;
  emaValAccuracy: number;
  seconds: number;
}

export interface TorchManifest {
  format: 'fer-studio-torch-weights';
  version: 1;
  /** A registered kind with a PyTorch twin (ModelRecipe.torchTwin). */
  kind: string;
  name: string;
  layers: TorchLayer[];
  /** Float32 CPU probabilities of the first 8 PublicTest images under the exported weights. */
  reference: number[][];
  best: { epoch: number; weights: 'live' | 'ema'; valAccuracy: number; valAccuracyTta: number };
  epochs: number;
  history: TorchEpoch[];
  seconds: number;
  trainImages: number;
  options: Record<string, unknown>;
  environment: { torch: string; device: string; python: string; cpus: number };
}

/** Validates the parts of a manifest the import relies on. */
export function parseTorchManifest(json: unknown, file: string): TorchManifest {
  const m = json as Partial<TorchManifest> | null;
  const bad = (what: string) => new FerError(`not a FER Studio torch-weights manifest (${what})`, { file });
  if (!m || m.format !== 'fer-studio-torch-weights' || m.version !== 1) throw bad('format/version');
  if (typeof m.kind !== 'string' || !modelRecipe(m.kind)?.torchTwin) throw bad('kind');
  if (!Array.isArray(m.layers) || !m.layers.every((l) => typeof l.type === 'string' && Array.isArray(l.shapes)))
    throw bad('layers');
  if (!Array.isArray(m.history) || !m.best || !Array.isArray(m.reference)) throw bad('history/best/reference');
  return m as TorchManifest;
}

/** CNN stages as the exporter's `--stages` option spells them ("32;64,64;..."), or the default. */
export function stagesOf(m: TorchManifest): number[][] | undefined {
  const s = m.options.stages;
  return typeof s === 'string' && s !== '' ? s.split(';').map((st) => st.split(',').map(Number)) : undefined;
}

const twinOf = (m: TorchManifest): ModelRecipe => modelRecipe(m.kind)!;

/** The tfjs twin of the exported network, built by the registry (the CNN with the run's stages). */
export function buildForManifest(m: TorchManifest): tf.LayersModel {
  const r = twinOf(m);
  return r.build(r.inputShape(48), FER_CLASSES.length, { seed: 1, options: { stages: stagesOf(m) } });
}

const sameShape = (a: readonly (number | null)[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Sets `model`'s weights from the flat float32 export, after checking types, shapes and settings. */
export function setTorchWeights(model: tf.LayersModel, m: TorchManifest, flat: Float32Array, file = 'weights'): void {
  const layers = model.layers.filter((l) => l.weights.length > 0);
  if (layers.length !== m.layers.length) {
    throw new FerError(`has ${m.layers.length} weighted layers; the model has ${layers.length}`, { file });
  }
  const expected = m.layers.reduce((n, l) => n + l.shapes.reduce((k, s) => k + s.reduce((a, b) => a * b, 1), 0), 0);
  if (flat.length !== expected)
    throw new FerError(`holds ${flat.length} floats; its manifest lists ${expected}`, { file });
  layers.forEach((layer, i) => checkLayer(layer, m.layers[i], i, file));
  let offset = 0;
  layers.forEach((layer, i) => {
    const values = m.layers[i].shapes.map((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = tf.tensor(flat.subarray(offset, offset + n), shape, 'float32');
      offset += n;
      return t;
    });
    layer.setWeights(values);
    tf.dispose(values);
  });
}

function checkLayer(layer: tf.layers.Layer, t: TorchLayer, i: number, file: string): void {
  const where = `layer ${i + 1} (${layer.name})`;
  if (layer.getClassName() !== t.type)
    throw new FerError(`${where}: exported as ${t.type}, the model has ${layer.getClassName()}`, { file });
  const shapes = layer.weights.map((w) => w.shape);
  if (shapes.length !== t.shapes.length || !shapes.every((s, k) => sameShape(s, t.shapes[k]))) {
    throw new FerError(
      `${where}: shapes ${JSON.stringify(t.shapes)} do not match the model's ${JSON.stringify(shapes)}`,
      { file },
    );
  }
  const config = layer.getConfig();
  if (t.epsilon !== undefined && Math.abs(Number(config.epsilon) - t.epsilon) > 1e-9) {
    throw new FerError(`${where}: batch-norm epsilon ${t.epsilon}, the model's is ${String(config.epsilon)}`, { file });
  }
  const inner = (config.layer as { config?: { recurrentActivation?: string } } | undefined)?.config;
  if (t.recurrentActivation && inner && inner.recurrentActivation !== t.recurrentActivation) {
    throw new FerError(
      `${where}: LSTM gates ${t.recurrentActivation}, the model's are ${String(inner.recurrentActivation)}`,
      { file },
    );
  }
}

/** Largest |p - p_ref| between `probs` (row-major, as predictProbs returns) and the manifest's reference outputs. */
export function maxReferenceDiff(m: TorchManifest, probs: Float32Array): number {
  return m.reference.flat().reduce((d, p, i) => Math.max(d, Math.abs(p - probs[i])), 0);
}

/** The epochs of a run as the app records them: the history of the weights that were exported (live or EMA). */
function epochsOf(m: TorchManifest, offset = 0): EpochRecord[] {
  const ema = m.best.weights === 'ema';
  return m.history.map((h) => ({
    epoch: h.epoch + offset,
    loss: h.loss,
    accuracy: h.accuracy,
    valLoss: ema ? h.emaValLoss : h.valLoss,
    valAccuracy: ema ? h.emaValAccuracy : h.valAccuracy,
    seconds: h.seconds,
  }));
}

const machineOf = (m: TorchManifest) =>
  m.environment.device === 'cpu'
    ? `${m.environment.cpus} CPU cores (PyTorch on CPU)`
    : `${m.environment.device} GPU, ${m.environment.cpus} CPU cores (a lent machine)`;

/**
 * meta.json for the imported model. `prior` is the run this one started from (`--init`:
 * fine-tuning or distillation); its epochs come first in the history, numbered on, so the
 * curves and the training time cover the model's whole life.
 */
export function metaForManifest(
  m: TorchManifest,
  model: tf.LayersModel,
  source: string,
  prior?: { manifest: TorchManifest; source: string },
): ModelMeta {
  const before = prior ? epochsOf(prior.manifest) : [];
  const history = [...before, ...epochsOf(m, before.length)];
  const last = history[history.length - 1];
  return {
    format: 'fer-studio-model',
    version: 1,
    kind: m.kind,
    classes: [...FER_CLASSES],
    inputShape: twinOf(m).inputShape(48),
    preprocessing: { size: 48, channels: 1, scale: 1 / 255, pca: null },
    history,
    metrics: {
      lastTrainAccuracy: last?.accuracy ?? 0,
      bestValAccuracy: m.best.valAccuracy,
      bestEpoch: m.best.epoch + before.length,
    },
    backend: `pytorch ${m.environment.torch}`,
    machine: prior ? `${machineOf(prior.manifest)}, then ${machineOf(m)}` : machineOf(m),
    seconds: m.seconds + (prior?.manifest.seconds ?? 0),
    seed: Number(m.options.seed ?? 0),
    params: model.countParams(),
    options: {
      trainer: 'scripts/gpu/train_torch_gpu.py',
      source,
      selected: `${m.best.weights} weights of epoch ${m.best.epoch + before.length}`,
      ...m.options,
      ...(prior ? { init: prior.source, priorEpochs: before.length, priorSeconds: prior.manifest.seconds } : {}),
    },
    createdAt: new Date().toISOString(),
  };
}
