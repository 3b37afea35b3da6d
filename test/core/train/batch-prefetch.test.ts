/**
 * Filling batch b+1 while batch b trains (batch-filler.ts, issue 17 lever 4) changes when the
 * augmentation runs, never what it draws: a seeded run with prefetching on ends with exactly the
 * weights, loss and accuracy of the same run filled batch by batch, on one thread and on two.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { parseNpy } from '../../../src/core/dataset/npy.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { imageSource } from '../../../src/core/input/batch-source.ts';
import { DEFAULT_AUGMENT } from '../../../src/core/input/batches.ts';
import { setBatchPrefetch } from '../../../src/core/train/batch-filler.ts';
import { trainModel } from '../../../src/core/train/trainer.ts';

const FER = path.resolve('../shared/datasets/fer2013');
const N = 72; // three batches of 32, the last one short

describe('batch prefetch', () => {
  let images: Uint8Array, labels: Uint8Array;
  beforeAll(async () => {
    await initBackend('wasm');
    images = parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.X.npy'))), 'x').data as Uint8Array;
    labels = Uint8Array.from(
      parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.Y.npy'))), 'y').data as Uint8Array,
    ).subarray(0, N);
  });
  afterEach(() => setBatchPrefetch(true));

  async function run(prefetch: boolean, workers: number) {
    setBatchPrefetch(prefetch);
    const r = await trainModel({
      build: () => buildCnn([48, 48, 1], 7, { stages: [[4], [8]], seed: 3 }),
      inputShape: [48, 48, 1],
      train: imageSource(images.subarray(0, N * 2304), labels, 48, DEFAULT_AUGMENT),
      validation: null,
      config: {
        epochs: 2,
        batchSize: 32,
        learningRate: 1e-3,
        schedule: 'cosine',
        seed: 11,
        labelSmoothing: 0.1,
        classWeights: true,
        loss: 'categorical',
      },
      meta: {
        kind: 'cnn',
        classes: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
        preprocessing: { size: 48, channels: 1, scale: 1 / 255, pca: null },
        options: {},
        backend: 'wasm',
      },
      workers,
    });
    const weights = r.model.getWeights().map((t) => Array.from(t.dataSync()));
    const history = r.meta.history.map((h) => [h.loss, h.accuracy]);
    r.model.dispose();
    return { weights, history };
  }

  for (const workers of [1, 2]) {
    it(`trains to bit-identical weights with prefetching on and off (${workers} thread${workers > 1 ? 's' : ''})`, async () => {
      const off = await run(false, workers);
      const on = await run(true, workers);
      expect(on.history).toEqual(off.history);
      expect(on.weights).toEqual(off.weights);
    }, 60_000);
  }
});
