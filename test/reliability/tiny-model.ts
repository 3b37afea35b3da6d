/**
 * A tiny but real FER Studio model (flatten + dense over 4x4 gray input, 7 classes) saved with
 * the project's own saveModelDir: enough for predict, load and save tests without training.
 */
import * as tf from '@tensorflow/tfjs';
import { FER_CLASSES } from '../../src/core/dataset/types.ts';
import { saveModelDir } from '../../src/core/model-io/model-files.ts';
import type { ModelMeta } from '../../src/core/models/types.ts';

export function tinyMeta(generation: number): ModelMeta {
  return {
    format: 'fer-studio-model',
    version: 1,
    kind: 'cnn',
    classes: [...FER_CLASSES],
    inputShape: [4, 4, 1],
    preprocessing: { size: 4, channels: 1, scale: 1 / 255, pca: null },
    history: [{ epoch: generation, loss: 1.9, accuracy: 0.2, valLoss: 1.9, valAccuracy: 0.25, seconds: 1 }],
    metrics: { generation },
    backend: 'cpu',
    machine: 'test',
    seconds: 1,
    seed: generation,
    params: 119,
    options: {},
    createdAt: new Date(0).toISOString(),
  };
}

export function tinyModel(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({ units: 7, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    ],
  });
}

/**
 * Saves a tiny model whose every file encodes `generation` (meta, biases, optimizer slot, resume
 * state, a 256 KB padding file that makes the save take long enough to be interrupted), so a
 * reader can tell whether all files come from the same save (see the kill-mid-save test).
 */
export async function saveTinyModel(dir: string, generation: number): Promise<void> {
  const model = tinyModel(generation);
  model.layers[1].setWeights([model.layers[1].getWeights()[0], tf.fill([7], generation)]);
  const slot = tf.fill([7], generation);
  await saveModelDir(dir, model, tinyMeta(generation), {
    optimizer: [{ name: 'slot', tensor: slot }],
    state: { generation },
    files: { 'padding.bin': new Uint8Array(256 * 1024).fill(generation % 256) },
  });
  slot.dispose();
  model.dispose();
}
