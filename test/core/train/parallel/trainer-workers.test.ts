/** trainModel with `workers: 2`: same update as one thread, same callbacks, cancel and errors, and no threads left behind. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src/core/backend/init-backend.ts';
import { parseNpy } from '../../../../src/core/dataset/npy.ts';
import { buildCnn } from '../../../../src/core/models/cnn.ts';
import { imageSource } from '../../../../src/core/input/batch-source.ts';
import { NO_AUGMENT } from '../../../../src/core/input/batches.ts';
import { liveGradientWorkers } from '../../../../src/core/train/parallel/gradient-pool.ts';
import { trainModel, type TrainRequest } from '../../../../src/core/train/trainer.ts';
import { tinyModel } from './tiny-model.ts';

const FER = path.resolve('../shared/datasets/fer2013');
const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

/** A layer the worker threads have never heard of: their copy of the model cannot be built. */
class MainThreadOnly extends tf.layers.Layer {
  static readonly className = 'MainThreadOnlyForTest';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }
}
tf.serialization.registerClass(MainThreadOnly);

describe('trainModel with worker threads', () => {
  let images: Uint8Array, labels: Uint8Array;
  beforeAll(async () => {
    await initBackend('wasm');
    images = parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.X.npy'))), 'x').data as Uint8Array;
    labels = Uint8Array.from(
      parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.Y.npy'))), 'y').data as Uint8Array,
    );
  });

  function request(n: number, extra: Partial<TrainRequest>): TrainRequest {
    return {
      build: tinyModel,
      inputShape: [48, 48, 1],
      validation: null,
      train: imageSource(images.subarray(0, n * 2304), labels.subarray(0, n), 48, NO_AUGMENT),
      config: {
        epochs: 1,
        batchSize: 24,
        learningRate: 1e-3,
        schedule: 'cosine',
        seed: 5,
        labelSmoothing: 0.1,
        classWeights: true,
        loss: 'categorical',
      },
      meta: {
        kind: 'cnn',
        classes: CLASSES,
        preprocessing: { size: 48, channels: 1, scale: 1 / 255, pca: null },
        options: {},
        backend: 'wasm',
      },
      ...extra,
    };
  }

  it('makes the same updates as one thread (two batches, class-weighted, uneven last batch)', async () => {
    const one = await trainModel(request(40, {}));
    const two = await trainModel(request(40, { workers: 2 }));
    const a = one.model.getWeights().map((t) => t.dataSync()),
      b = two.model.getWeights().map((t) => t.dataSync());
    const init = tinyModel();
    const start = init.getWeights().map((t) => Array.from(t.dataSync()));
    init.dispose();
    // Both runs moved away from the initial weights, and to the same place.
    expect(Math.max(...a[0].map((v, j) => Math.abs(v - start[0][j])))).toBeGreaterThan(1e-4);
    for (let i = 0; i < a.length; i++)
      for (let j = 0; j < a[i].length; j++)
        expect(Math.abs(a[i][j] - b[i][j])).toBeLessThanOrEqual(1e-5 * Math.abs(a[i][j]) + 1e-6);
    expect(two.meta.history[0].loss).toBeCloseTo(one.meta.history[0].loss, 5);
    expect(two.meta.history[0].accuracy).toBe(one.meta.history[0].accuracy);
    one.model.dispose();
    two.model.dispose();
    expect(liveGradientWorkers()).toBe(0);
  });

  it('trains two epochs of a batch-norm CNN, leaks no tensors per epoch, and stops its threads', async () => {
    const before = tf.memory().numTensors;
    const perEpoch: number[] = [];
    const result = await trainModel(
      request(64, {
        build: () => buildCnn([48, 48, 1], 7, { stages: [[8], [16]], seed: 2 }),
        validation: imageSource(images.subarray(64 * 2304, 96 * 2304), labels.subarray(64, 96), 48),
        config: { ...request(0, {}).config, epochs: 2, batchSize: 32 },
        workers: 2,
        onEpoch: () => perEpoch.push(tf.memory().numTensors),
      }),
    );
    expect(result.cancelled).toBe(false);
    expect(result.meta.history.map((h) => h.epoch)).toEqual([1, 2]);
    // The reported validation accuracy is the final model's on the 32 held-out faces, recomputed here.
    const predicted = tf.tidy(() =>
      (
        result.model.predict(
          tf.tensor(
            Float32Array.from(images.subarray(64 * 2304, 96 * 2304), (v) => v / 255),
            [32, 48, 48, 1],
          ),
        ) as tf.Tensor
      )
        .argMax(1)
        .dataSync(),
    );
    expect(result.meta.history[1].valAccuracy).toBe(
      Array.from(predicted).reduce((c, p, i) => c + (p === labels[64 + i] ? 1 : 0), 0) / 32,
    );
    expect(perEpoch[1]).toBe(perEpoch[0]);
    const probs = tf.tidy(() => (result.model.predict(tf.zeros([2, 48, 48, 1])) as tf.Tensor).sum(1).dataSync());
    expect(Array.from(probs).every((s) => Math.abs(s - 1) < 1e-4)).toBe(true);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(liveGradientWorkers()).toBe(0);
  });

  it('cancels mid-epoch', async () => {
    const ctrl = new AbortController();
    const result = await trainModel(
      request(96, {
        config: { ...request(0, {}).config, epochs: 3 },
        workers: 2,
        signal: ctrl.signal,
        onBatch: (b) => {
          if (b.batch === 2) ctrl.abort();
        },
      }),
    );
    expect(result.cancelled).toBe(true);
    expect(result.meta.history).toHaveLength(0);
    result.model.dispose();
    expect(liveGradientWorkers()).toBe(0);
  });

  it('rejects, instead of hanging, when a worker cannot run; and refuses a bad thread count', async () => {
    const build = () => {
      const m = tinyModel();
      return tf.sequential({
        layers: [tf.layers.inputLayer({ inputShape: [48, 48, 1] }), new MainThreadOnly({}), ...m.layers],
      });
    };
    await expect(trainModel(request(48, { build, workers: 2 }))).rejects.toThrow(
      /training worker 1 failed: .*MainThreadOnlyForTest/s,
    );
    expect(liveGradientWorkers()).toBe(0);
    await expect(trainModel(request(48, { workers: 0 }))).rejects.toThrow(/workers must be a whole number/);
  });
});
