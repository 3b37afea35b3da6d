/**
 * Training learns: a small CNN and a small RNN, on one thread and on two, each memorise 64 real
 * FER2013 faces. A trainer that applied no update, or the wrong one, stays near the 64 faces'
 * largest class (a third of them), far below the 90 % asserted.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { parseNpy } from '../../../src/core/dataset/npy.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';
import { imageSource } from '../../../src/core/input/batch-source.ts';
import { NO_AUGMENT } from '../../../src/core/input/batches.ts';
import { trainModel } from '../../../src/core/train/trainer.ts';

const FER = path.resolve('../shared/datasets/fer2013');
const N = 64;
const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

let images: Uint8Array;
let labels: Uint8Array;

beforeAll(async () => {
  await initBackend('wasm');
  images = (parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'train.X.npy'))), 'x').data as Uint8Array).slice(
    0,
    N * 2304,
  );
  labels = Uint8Array.from(
    parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'train.Y.npy'))), 'y').data as Uint8Array,
  ).slice(0, N);
});

/** Accuracy of `model` on the 64 faces, computed here with model.predict (not the trainer's own metric). */
function accuracyOn(model: tf.LayersModel, inputShape: number[]): number {
  const predicted = tf.tidy(() => {
    const x = tf.tensor(
      Float32Array.from(images, (v) => v / 255),
      [N, ...inputShape],
    );
    return (model.predict(x) as tf.Tensor).argMax(1).dataSync();
  });
  return Array.from(predicted).reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / N;
}

const kinds = {
  // Four stages bring 48x48 down to 6x6 cheaply; no dropout, so memorising is quick.
  cnn: {
    inputShape: [48, 48, 1],
    epochs: 15,
    build: () => buildCnn([48, 48, 1], 7, { stages: [[8], [16], [32], [64]], dropout: 0, seed: 2 }),
  },
  rnn: {
    inputShape: [48, 48],
    epochs: 12,
    build: () => buildRnn([48, 48], 7, { units: 16, stem: [8, 16], dropout: 0, seed: 3 }),
  },
};

describe('trainModel learns', () => {
  it('the 64 faces are no easy target: their largest class is under 35 %', () => {
    const counts = new Array<number>(7).fill(0);
    for (const l of labels) counts[l]++;
    expect(Math.max(...counts) / N).toBeLessThan(0.35);
  });

  for (const kind of ['cnn', 'rnn'] as const) {
    for (const workers of [1, 2]) {
      it(`a small ${kind.toUpperCase()} fits 64 faces to over 90 % with ${workers} thread(s)`, async () => {
        const k = kinds[kind];
        const untrained = k.build();
        const before = accuracyOn(untrained, k.inputShape);
        untrained.dispose();
        const train = imageSource(images, labels, 48, NO_AUGMENT);
        const result = await trainModel({
          build: k.build,
          inputShape: k.inputShape,
          train,
          validation: null,
          workers,
          config: {
            epochs: k.epochs,
            batchSize: 16,
            learningRate: 0.01,
            schedule: 'cosine',
            seed: 5,
            labelSmoothing: 0,
            classWeights: false,
            loss: 'categorical',
          },
          meta: {
            kind,
            classes: CLASSES,
            preprocessing: { size: 48, channels: 1, scale: 1 / 255, pca: null },
            options: {},
            backend: 'wasm',
          },
        });
        const after = accuracyOn(result.model, k.inputShape);
        result.model.dispose();
        expect(before).toBeLessThan(0.35);
        expect(after).toBeGreaterThan(0.9);
      });
    }
  }
});
