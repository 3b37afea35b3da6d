import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadDataset } from '../../../src/core/dataset/load-dataset.ts';
import { loadFerModel } from '../../../src/core/model-io/load-fer-model.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { foldedConvCount, foldedPredict } from '../../../src/core/models/folded-forward.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';

beforeAll(async () => {
  await initBackend();
});

function maxDiff(model: tf.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, foldedPredict(model, x)))).dataSync()[0]);
}

/** Batch norms with statistics far from the identity, so a wrong fold shows. */
function randomiseNorms(model: tf.LayersModel, seed: number): void {
  tf.tidy(() => randomiseNormsIn(model, seed));
}

function randomiseNormsIn(model: tf.LayersModel, seed: number): void {
  for (const l of model.layers) {
    if (l.getClassName() !== 'BatchNormalization') continue;
    const n = l.getWeights()[0].shape[0];
    l.setWeights([
      tf.randomUniform([n], 0.5, 2, 'float32', seed), tf.randomNormal([n], 0, 0.5, 'float32', seed + 1),
      tf.randomNormal([n], 0, 0.3, 'float32', seed + 2), tf.randomUniform([n], 0.2, 3, 'float32', seed + 3),
    ]);
  }
}

describe('foldedPredict', () => {
  it.each(['cnn', 'rnn'])('gives the shipped %s model\'s outputs on PublicTest faces', async (kind) => {
    const m = await loadFerModel(`models/${kind}`);
    const ds = await loadDataset('test/fixtures/shipped/publictest.X.npy');
    const x = tf.tidy(() => tf.tensor(ds.images.subarray(0, 16 * 2304), [16, ...m.meta.inputShape]).div(255));
    expect(maxDiff(m.model, x)).toBeLessThan(1e-5);
    expect(foldedConvCount(m.model)).toBe(kind === 'cnn' ? 6 : 2); // every conv + batch norm pair
    x.dispose();
    m.model.dispose();
  });

  it('folds conv biases, valid padding and a conv without ReLU exactly; leaves nothing allocated', () => {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 2], filters: 5, kernelSize: 3, padding: 'valid', useBias: true, biasInitializer: 'randomNormal' }),
      tf.layers.batchNormalization(), // no activation after it
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }),
      tf.layers.batchNormalization({ epsilon: 0.01 }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' }),
    ] });
    randomiseNorms(model, 3);
    expect(foldedConvCount(model)).toBe(2);
    const x = tf.randomNormal([3, 12, 12, 2], 0, 1, 'float32', 9);
    expect(maxDiff(model, x)).toBeLessThan(1e-5);
    const before = tf.memory().numTensors;
    tf.tidy(() => foldedPredict(model, x).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('refolds after the weights change (training, setWeights), for a CNN and an RNN stem', () => {
    for (const model of [buildCnn([48, 48, 1], 7, { stages: [[8], [16]] }), buildRnn([48, 48], 7, { units: 8, stem: [4, 8] })]) {
      const x = tf.randomUniform([2, ...(model.inputs[0].shape.slice(1) as number[])], 0, 1, 'float32', 5);
      randomiseNorms(model, 1);
      expect(foldedConvCount(model)).toBe(2);
      expect(maxDiff(model, x)).toBeLessThan(1e-5);
      const first = tf.tidy(() => foldedPredict(model, x).dataSync());
      randomiseNorms(model, 7);
      const conv = model.layers.find((l) => l.getClassName() === 'Conv2D')!;
      conv.setWeights([tf.randomNormal(conv.getWeights()[0].shape, 0, 0.5, 'float32', 11)]);
      expect(maxDiff(model, x)).toBeLessThan(1e-5);
      expect(tf.tidy(() => foldedPredict(model, x).dataSync())).not.toEqual(first); // not a stale fold
      x.dispose();
      model.dispose();
    }
  });

  it('frees its folded weights with the model, and refolding frees the previous ones', () => {
    const start = tf.memory().numTensors;
    const model = buildCnn([16, 16, 1], 3, { stages: [[4], [8]] });
    const x = tf.zeros([1, 16, 16, 1]);
    const withModel = tf.memory().numTensors;
    tf.tidy(() => { foldedPredict(model, x); });
    expect(tf.memory().numTensors).toBe(withModel + 4); // two folded filters and biases
    randomiseNorms(model, 5);
    tf.tidy(() => { foldedPredict(model, x); });
    expect(tf.memory().numTensors).toBe(withModel + 4);
    model.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('runs a model with nothing to fold as model.predict does', () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    const x = tf.randomNormal([2, 4, 4, 1]);
    expect(foldedConvCount(model)).toBe(0);
    expect(maxDiff(model, x)).toBe(0);
    x.dispose();
    model.dispose();
  });
});
