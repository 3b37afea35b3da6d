/** The gradient pool computes the full-batch gradient from shards, and a dead worker fails a step instead of hanging it. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src/core/backend/init-backend.ts';
import { parseNpy } from '../../../../src/core/dataset/npy.ts';
import { fillTargets } from '../../../../src/core/input/batches.ts';
import { balancedClassWeights } from '../../../../src/core/train/losses.ts';
import {
  liveGradientWorkers,
  splitRows,
  startGradientPool,
  type GradientPool,
} from '../../../../src/core/train/parallel/gradient-pool.ts';
import { shardGradients, trainableVariables } from '../../../../src/core/train/parallel/shard-gradients.ts';
import { tinyModel } from './tiny-model.ts';

const FER = path.resolve('../shared/datasets/fer2013');
const N = 23; // odd on purpose: shards of unequal size

describe('gradient pool', () => {
  let x: Float32Array, y: Float32Array, w: Float32Array;
  let model: tf.LayersModel;
  let pool: GradientPool;

  beforeAll(async () => {
    await initBackend('wasm');
    const xs = parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.X.npy'))), 'x').data as Uint8Array;
    const labels = Uint8Array.from(
      parseNpy(new Uint8Array(await fs.readFile(path.join(FER, 'publictest.Y.npy'))), 'y').data as Uint8Array,
    ).slice(0, N);
    x = Float32Array.from(xs.subarray(0, N * 2304), (v) => v / 255);
    y = fillTargets(
      labels,
      Array.from({ length: N }, (_, i) => i),
      7,
      0.1,
      new Float32Array(N * 7),
    );
    const cw = balancedClassWeights(labels, 7);
    w = Float32Array.from(labels, (l) => cw[l]);
    model = tinyModel();
    pool = (await startGradientPool({ model, inputShape: [48, 48, 1], classes: 7, loss: 'categorical', workers: 3 }))!;
  });
  afterAll(async () => {
    await pool?.close();
    model?.dispose();
  });

  it('splits rows near-equally, the main thread never taking more', () => {
    expect(splitRows(23, 3)).toEqual([8, 8, 7]);
    expect(splitRows(1, 2)).toEqual([1, 0]);
  });

  it("with one thread, has no workers and its gradient is exactly the whole batch's", async () => {
    const alone = await startGradientPool({
      model,
      inputShape: [48, 48, 1],
      classes: 7,
      loss: 'categorical',
      workers: 1,
    });
    expect(alone.threads).toHaveLength(0);
    const whole = shardGradients(model, trainableVariables(model), [48, 48, 1], 7, 'categorical', { x, y, w, m: N });
    const { grads, stats } = await alone.gradients(x, y, w, N);
    expect(stats).toEqual({ loss: whole.stats.loss, correct: whole.stats.correct, bin: whole.stats.bin });
    grads.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(whole.grads[i].dataSync())));
    tf.dispose([...grads, ...whole.grads]);
    await alone.close();
  });

  for (const weighted of [true, false]) {
    it(`averages shard gradients into the whole-batch gradient (${weighted ? 'class-weighted' : 'plain'} loss)`, async () => {
      const whole = shardGradients(model, trainableVariables(model), [48, 48, 1], 7, 'categorical', {
        x,
        y,
        w: weighted ? w : null,
        m: N,
      });
      const { grads, stats } = await pool.gradients(x, y, weighted ? w : null, N);
      expect(stats.loss).toBeCloseTo(whole.stats.loss, 5);
      expect(stats.correct).toBe(whole.stats.correct);
      for (let i = 0; i < grads.length; i++) {
        const a = grads[i].dataSync(),
          b = whole.grads[i].dataSync();
        const scale = Math.max(...Array.from(b, Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let j = 0; j < a.length; j++) expect(Math.abs(a[j] - b[j])).toBeLessThanOrEqual(1e-5 * scale);
      }
      tf.dispose([...grads, ...whole.grads]);
    });
  }

  it('weights a binary-loss shard by its size: that loss ignores sample weights', () => {
    const { grads, stats } = shardGradients(model, trainableVariables(model), [48, 48, 1], 7, 'binary', {
      x,
      y,
      w,
      m: N,
    });
    tf.dispose(grads);
    expect(stats.weight).toBe(N);
  });

  it('leaks no tensors per step, in the main thread or the workers', async () => {
    const opt = tf.train.sgd(0.01);
    await pool.step(opt, x, y, w, N);
    const main = tf.memory().numTensors,
      workers = pool.workerTensors;
    for (let i = 0; i < 3; i++) await pool.step(opt, x, y, w, N);
    expect(tf.memory().numTensors).toBe(main);
    expect(pool.workerTensors).toEqual(workers);
    opt.dispose();
  });

  it('fails the step, without hanging, when a worker dies; closing leaves no threads', async () => {
    const other = tinyModel();
    const doomed = (await startGradientPool({
      model: other,
      inputShape: [48, 48, 1],
      classes: 7,
      loss: 'categorical',
      workers: 2,
    }))!;
    expect(liveGradientWorkers()).toBe(2 + 1);
    await doomed.threads[0].terminate();
    await expect(doomed.gradients(x, y, w, N)).rejects.toThrow(/training worker 1 stopped unexpectedly/);
    await doomed.close();
    other.dispose();
    expect(liveGradientWorkers()).toBe(2);
  });
});
