/**
 * The batch-norm recalibration with the gradient workers as helpers (issue 17, lever 5) sets
 * exactly the statistics it sets alone, also right after a step changed the weights (the
 * workers must be sent them first) and with blocks of unequal size.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { parseNpy } from '../../../src/core/dataset/npy.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { imageSource } from '../../../src/core/input/batch-source.ts';
import { fillTargets } from '../../../src/core/input/batches.ts';
import { startGradientPool, type GradientPool } from '../../../src/core/train/parallel/gradient-pool.ts';
import { recalibrateBatchNorm } from '../../../src/core/train/precise-bn.ts';

const FER = path.resolve('../shared/datasets/fer2013');
const N = 150; // batches of 32: 32, 32, 32, 32, 22

describe('recalibrateBatchNorm with worker helpers', () => {
  let images: Uint8Array, labels: Uint8Array;
  let model: tf.LayersModel;
  let pool: GradientPool;
  beforeAll(async () => {
    await initBackend('wasm');
    images = parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.X.npy'))), 'x').data as Uint8Array;
    labels = Uint8Array.from(
      parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.Y.npy'))), 'y').data as Uint8Array,
    ).subarray(0, N);
    model = buildCnn([48, 48, 1], 7, { stages: [[4], [8]], seed: 4 });
    pool = await startGradientPool({ model, inputShape: [48, 48, 1], classes: 7, loss: 'categorical', workers: 3 });
  });
  afterAll(async () => {
    await pool?.close();
    model?.dispose();
  });

  const movingStats = () =>
    model.layers
      .filter((l) => l.getClassName() === 'BatchNormalization')
      .flatMap((l) => l.getWeights().slice(2))
      .map((t) => Array.from(t.dataSync()));

  it('sets the same moving statistics as one thread, after a step moved the weights', async () => {
    const source = imageSource(images.subarray(0, N * 2304), labels, 48);
    const idx = Uint32Array.from({ length: N }, (_, i) => (i * 7) % N);
    // A step changes the main model's weights; the workers' replicas are now one step behind.
    const x = new Float32Array(64 * 2304),
      y = new Float32Array(64 * 7);
    source.fill(idx.subarray(0, 64), x, null);
    fillTargets(labels, idx.subarray(0, 64), 7, 0, y);
    await pool.step(tf.train.sgd(0.5), x, y, null, 64);
    const initial = movingStats();
    await recalibrateBatchNorm(model, source, [48, 48, 1], idx, 32);
    const alone = movingStats();
    expect(alone).not.toEqual(initial);
    const before = tf.memory().numTensors;
    await recalibrateBatchNorm(model, source, [48, 48, 1], idx, 32, pool.momentsHelpers());
    expect(movingStats()).toEqual(alone);
    expect(tf.memory().numTensors).toBe(before);
    // Again with the replicas up to date (no weights sent), and fewer batches than threads.
    await recalibrateBatchNorm(model, source, [48, 48, 1], idx.subarray(0, 40), 32);
    const short = movingStats();
    await recalibrateBatchNorm(model, source, [48, 48, 1], idx.subarray(0, 40), 32, pool.momentsHelpers());
    expect(movingStats()).toEqual(short);
    expect(pool.workerTensors.every((t) => t === pool.workerTensors[0])).toBe(true);
  }, 60_000);
});
