import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { parseNpy } from '../../../src/core/dataset/npy.ts';
import { loadModelDir } from '../../../src/core/model-io/model-files.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';
import { imageSource } from '../../../src/core/train/batch-source.ts';
import { defaultCheckpointDir, trainModel, type TrainRequest } from '../../../src/core/train/trainer.ts';

const FER = path.resolve('../shared/datasets/fer2013');

async function realImages(n: number) {
  const x = parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.X.npy'))), 'x');
  const y = parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.Y.npy'))), 'y');
  return { images: (x.data as Uint8Array).slice(0, n * 2304), labels: Uint8Array.from(y.data as Uint8Array).slice(0, n) };
}

function request(data: { images: Uint8Array; labels: Uint8Array }, outDir: string, extra: Partial<TrainRequest> = {}): TrainRequest {
  const train = imageSource(data.images.subarray(0, 160 * 2304), data.labels.subarray(0, 160), 48);
  const validation = imageSource(data.images.subarray(160 * 2304), data.labels.subarray(160), 48);
  return {
    build: () => buildRnn([48, 48], 7, { units: 8, seed: 3 }), inputShape: [48, 48], train, validation,
    config: { epochs: 2, batchSize: 32, learningRate: 1e-3, schedule: 'cosine', seed: 5, labelSmoothing: 0.1, classWeights: true, loss: 'categorical' },
    meta: { kind: 'rnn', classes: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'], preprocessing: { size: 48, channels: 1, scale: 1 / 255, pca: null }, options: {}, backend: 'wasm' },
    outDir, ...extra,
  };
}

describe('trainModel', () => {
  let data: { images: Uint8Array; labels: Uint8Array };
  beforeAll(async () => {
    await initBackend('wasm');
    data = await realImages(224);
  });

  it('streams epochs and batches, saves best + checkpoint, and leaks no tensors', async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'fer-train-'));
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    let batches = 0;
    const result = await trainModel(request(data, path.join(out, 'rnn'), { onEpoch: (e) => epochs.push(e.epoch), onBatch: () => batches++ }));
    expect(epochs).toEqual([1, 2]);
    expect(batches).toBe(2 * Math.ceil(160 / 32));
    expect(result.meta.history).toHaveLength(2);
    expect(result.meta.history[1].valAccuracy).toBeGreaterThanOrEqual(0);
    const saved = await loadModelDir(path.join(out, 'rnn'));
    expect(saved.meta.classes).toHaveLength(7);
    saved.model.dispose();
    const state = JSON.parse(await fs.readFile(path.join(defaultCheckpointDir(path.join(out, 'rnn')), 'state.json'), 'utf8'));
    expect(state.epoch).toBe(2);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancel mid-epoch keeps the last complete epoch on disk, and --resume continues from it', async () => {
    const out = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'fer-train-')), 'rnn');
    const ctrl = new AbortController();
    const first = await trainModel(request(data, out, {
      config: { ...request(data, out).config, epochs: 3 },
      signal: ctrl.signal,
      onBatch: (b) => { if (b.epoch === 2 && b.batch === 2) ctrl.abort(); },
    }));
    expect(first.cancelled).toBe(true);
    first.model.dispose();
    const ckpt = JSON.parse(await fs.readFile(path.join(defaultCheckpointDir(out), 'state.json'), 'utf8'));
    expect(ckpt.epoch).toBe(1);
    const resumed = await trainModel(request(data, out, { config: { ...request(data, out).config, epochs: 3 }, resume: true }));
    expect(resumed.cancelled).toBe(false);
    expect(resumed.meta.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    resumed.model.dispose();
  });
});
