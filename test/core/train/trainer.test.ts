import { cpSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { parseNpy } from '../../../src/core/dataset/npy.ts';
import { loadModelDir, loadTrainingState } from '../../../src/core/model-io/model-files.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';
import { imageSource } from '../../../src/core/input/batch-source.ts';
import { defaultCheckpointDir, trainModel, type TrainRequest } from '../../../src/core/train/trainer.ts';

const FER = path.resolve('../shared/datasets/fer2013');

async function realImages(n: number) {
  const x = parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.X.npy'))), 'x');
  const y = parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.Y.npy'))), 'y');
  return {
    images: (x.data as Uint8Array).slice(0, n * 2304),
    labels: Uint8Array.from(y.data as Uint8Array).slice(0, n),
  };
}

function request(
  data: { images: Uint8Array; labels: Uint8Array },
  outDir: string,
  extra: Partial<TrainRequest> = {},
): TrainRequest {
  const train = imageSource(data.images.subarray(0, 160 * 2304), data.labels.subarray(0, 160), 48);
  const validation = imageSource(data.images.subarray(160 * 2304), data.labels.subarray(160), 48);
  return {
    build: () => buildRnn([48, 48], 7, { units: 8, seed: 3 }),
    inputShape: [48, 48],
    train,
    validation,
    config: {
      epochs: 2,
      batchSize: 32,
      learningRate: 1e-3,
      schedule: 'cosine',
      seed: 5,
      labelSmoothing: 0.1,
      classWeights: true,
      loss: 'categorical',
    },
    meta: {
      kind: 'rnn',
      classes: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
      preprocessing: { size: 48, channels: 1, scale: 1 / 255, pca: null },
      options: {},
      backend: 'wasm',
    },
    outDir,
    ...extra,
  };
}

interface Checkpoint {
  weights: Float32Array[];
  optimizer: Float32Array[];
  iter: number;
  state: unknown;
}

/** A checkpoint's model weights and optimizer slots (in saved order: the variable names differ between runs). */
async function readCheckpoint(dir: string): Promise<Checkpoint> {
  const { model } = await loadModelDir(dir);
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  model.dispose();
  const saved = await loadTrainingState(dir);
  if (!saved) throw new Error(`no training state in ${dir}`);
  const iter = saved.optimizer.find((o) => o.name === 'iter')!.tensor.dataSync()[0];
  const optimizer = saved.optimizer.filter((o) => o.name !== 'iter').map((o) => Float32Array.from(o.tensor.dataSync()));
  saved.optimizer.forEach((o) => o.tensor.dispose());
  return { weights, optimizer, iter, state: saved.state };
}

/** Same shapes, and every value within `tol` of the other, relative to the tensor's largest magnitude. */
function expectClose(a: Float32Array[], b: Float32Array[], tol: number): void {
  expect(a.map((t) => t.length)).toEqual(b.map((t) => t.length));
  a.forEach((t, i) => {
    const scale = b[i].reduce((m, v) => Math.max(m, Math.abs(v)), 1e-6);
    const worst = t.reduce((m, v, j) => Math.max(m, Math.abs(v - b[i][j])), 0);
    expect(worst / scale, `tensor ${i}`).toBeLessThanOrEqual(tol);
  });
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
    const result = await trainModel(
      request(data, path.join(out, 'rnn'), { onEpoch: (e) => epochs.push(e.epoch), onBatch: () => batches++ }),
    );
    expect(epochs).toEqual([1, 2]);
    expect(batches).toBe(2 * Math.ceil(160 / 32));
    expect(result.meta.history).toHaveLength(2);
    // The reported validation accuracy is the final model's on the 64 held-out faces, recomputed here.
    const predicted = tf.tidy(() =>
      (
        result.model.predict(
          tf.tensor(
            Float32Array.from(data.images.subarray(160 * 2304), (v) => v / 255),
            [64, 48, 48],
          ),
        ) as tf.Tensor
      )
        .argMax(1)
        .dataSync(),
    );
    expect(result.meta.history[1].valAccuracy).toBe(
      Array.from(predicted).reduce((c, p, i) => c + (p === data.labels[160 + i] ? 1 : 0), 0) / 64,
    );
    const saved = await loadModelDir(path.join(out, 'rnn'));
    expect(saved.meta.classes).toHaveLength(7);
    saved.model.dispose();
    const state = JSON.parse(
      await fs.readFile(path.join(defaultCheckpointDir(path.join(out, 'rnn')), 'state.json'), 'utf8'),
    );
    expect(state.epoch).toBe(2);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancel mid-epoch keeps the last complete epoch; resume restores its weights and optimizer state and ends where an uninterrupted run does', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fer-resume-'));
    const config = { ...request(data, root).config, epochs: 2 };
    // Uninterrupted, with a copy of its checkpoint after each epoch (saved before onEpoch is called).
    const whole = path.join(root, 'whole', 'rnn');
    const snapshot = (from: string, name: string) =>
      cpSync(defaultCheckpointDir(from), path.join(root, name), { recursive: true });
    const uninterrupted = await trainModel(
      request(data, whole, { config, onEpoch: (e) => snapshot(whole, `whole-${e.epoch}`) }),
    );

    // The same run, cancelled in epoch 2: its checkpoint is epoch 1's, as the uninterrupted run saved it.
    const cut = path.join(root, 'cut', 'rnn');
    const ctrl = new AbortController();
    const first = await trainModel(
      request(data, cut, {
        config,
        signal: ctrl.signal,
        onBatch: (b) => {
          if (b.epoch === 2 && b.batch === 2) ctrl.abort();
        },
      }),
    );
    expect(first.cancelled).toBe(true);
    first.model.dispose();
    const ckpt = await readCheckpoint(defaultCheckpointDir(cut));
    expect(ckpt.state).toMatchObject({ epoch: 1 });
    expectClose(ckpt.weights, (await readCheckpoint(path.join(root, 'whole-1'))).weights, 0);
    expectClose(ckpt.optimizer, (await readCheckpoint(path.join(root, 'whole-1'))).optimizer, 0);

    // Resumed with no epoch left to run, the model is the saved one, bit for bit.
    const noop = await trainModel(request(data, cut, { config: { ...config, epochs: 1 }, resume: true }));
    expectClose(
      noop.model.getWeights().map((w) => Float32Array.from(w.dataSync())),
      ckpt.weights,
      0,
    );
    noop.model.dispose();

    // Resumed for real: after epoch 2, weights and Adam's state (moments and step count) match the
    // uninterrupted run's; a resume from fresh weights, a fresh optimizer or other shuffles would not.
    const resumed = await trainModel(
      request(data, cut, { config, resume: true, onEpoch: (e) => snapshot(cut, `cut-${e.epoch}`) }),
    );
    expect(resumed.cancelled).toBe(false);
    expect(resumed.meta.history.map((h) => h.epoch)).toEqual([1, 2]);
    const [a, b] = [await readCheckpoint(path.join(root, 'cut-2')), await readCheckpoint(path.join(root, 'whole-2'))];
    expect(a.iter).toBe(2 * Math.ceil(160 / 32));
    expect(a.iter).toBe(b.iter);
    expectClose(a.optimizer, b.optimizer, 1e-4);
    expectClose(a.weights, b.weights, 1e-4);
    expectClose(
      resumed.model.getWeights().map((w) => Float32Array.from(w.dataSync())),
      uninterrupted.model.getWeights().map((w) => Float32Array.from(w.dataSync())),
      1e-4,
    );
    expect(resumed.meta.history.map((h) => h.accuracy)).toEqual(uninterrupted.meta.history.map((h) => h.accuracy));
    resumed.model.dispose();
    uninterrupted.model.dispose();
    await fs.rm(root, { recursive: true, force: true });
  });
});
