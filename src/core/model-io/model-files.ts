/**
 * Saves and loads tfjs Layers models as plain files (model.json, weights.bin,
 * meta.json, optional optimizer and PCA files) without tfjs-node's file://
 * handler, which is unavailable on the wasm fallback. Writes are atomic.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FerError } from '../errors.ts';
import type { ModelMeta } from '../models/types.ts';
import { exists, writeDirAtomic } from '../atomic-dir.ts';

/** A tensor with the name tfjs optimizers give their slot variables. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export interface SavedExtras {
  /** Optimizer slots, for resuming training exactly. */
  optimizer?: NamedTensor[];
  /** Free-form JSON (training state for resume). */
  state?: unknown;
  /** Extra binary files (e.g. pca.bin). */
  files?: Record<string, Uint8Array>;
}

function toBytes(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const buf = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return new Uint8Array(buf);
}

async function encodeNamed(
  tensors: NamedTensor[],
): Promise<{ specs: tf.io.WeightsManifestEntry[]; bytes: Uint8Array }> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  return { specs, bytes: new Uint8Array(data) };
}

export async function saveModelDir(
  dir: string,
  model: tf.LayersModel,
  meta: ModelMeta,
  extras: SavedExtras = {},
): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const files: Record<string, Uint8Array | string> = {
    'model.json': JSON.stringify({
      format: 'layers-model',
      generatedBy: 'fer-studio',
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    }),
    'weights.bin': toBytes(a.weightData as ArrayBuffer | ArrayBuffer[]),
    'meta.json': JSON.stringify(meta, null, 2),
  };
  if (extras.optimizer) {
    const { specs, bytes } = await encodeNamed(extras.optimizer);
    files['optimizer.json'] = JSON.stringify(specs);
    files['optimizer.bin'] = bytes;
  }
  if (extras.state !== undefined) files['state.json'] = JSON.stringify(extras.state, null, 2);
  Object.assign(files, extras.files ?? {});
  await writeDirAtomic(dir, files);
}

export interface LoadedModel {
  model: tf.LayersModel;
  meta: ModelMeta;
  dir: string;
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FerError(code === 'ENOENT' ? 'file not found' : 'not valid JSON', {
      file,
      kind: code === 'ENOENT' ? 'not-found' : 'bad-input',
      cause: e,
    });
  }
}

/**
 * Readers never rename or delete (a writer may be mid-swap): when a save was
 * interrupted between its two renames, read the intact previous copy instead.
 */
async function readableDir(requested: string): Promise<string> {
  return !(await exists(requested)) && (await exists(`${requested}.old`)) ? `${requested}.old` : requested;
}

export async function loadModelDir(requested: string): Promise<LoadedModel> {
  const dir = await readableDir(requested);
  const modelJson = await readJson<{
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  }>(path.join(dir, 'model.json'));
  const meta = await readJson<ModelMeta>(path.join(dir, 'meta.json'));
  if (meta.format !== 'fer-studio-model')
    throw new FerError('meta.json is not a FER Studio model description', { file: path.join(dir, 'meta.json') });
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const parts = await Promise.all(
    modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFile(path.join(dir, p))),
  );
  const weightData = tf.io.concatenateArrayBuffers(
    parts.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer),
  );
  try {
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }),
    );
    return { model, meta, dir };
  } catch (e) {
    throw new FerError(`cannot load the model: ${(e as Error).message}`, { file: dir, cause: e });
  }
}

/** Reads optimizer slots and resume state saved by `saveModelDir`, or null when absent. */
export async function loadTrainingState(
  requested: string,
): Promise<{ optimizer: NamedTensor[]; state: unknown } | null> {
  // Same fallback as loadModelDir: a resume must not lose the checkpoint to a crash mid-swap.
  const dir = await readableDir(requested);
  try {
    const specs = JSON.parse(
      await fs.readFile(path.join(dir, 'optimizer.json'), 'utf8'),
    ) as tf.io.WeightsManifestEntry[];
    const bytes = await fs.readFile(path.join(dir, 'optimizer.bin'));
    const state = JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')) as unknown;
    const map = tf.io.decodeWeights(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      specs,
    );
    return { optimizer: Object.entries(map).map(([name, tensor]) => ({ name, tensor })), state };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
