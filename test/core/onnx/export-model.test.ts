import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadDataset } from '../../../src/core/dataset/load-dataset.ts';
import { FerError } from '../../../src/core/errors.ts';
import { loadFerModel } from '../../../src/core/model-io/load-fer-model.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { buildPaperCnn, buildPaperRnn, PAPER_INPUT } from '../../../src/core/models/paper.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';
import { exportToOnnx } from '../../../src/core/onnx/export-model.ts';
import { decodeModelProto } from '../../../src/core/onnx/onnx-proto.ts';
import {
  exportDiff,
  onnxProbs,
  randomInput,
  randomiseWeights,
  tfjsProbs,
  maxAbsDiff,
  trainTiny,
} from './onnx-test-utils.ts';

const TOLERANCE = 1e-5;
let faces: Uint8Array;

beforeAll(async () => {
  await initBackend('wasm');
  faces = (await loadDataset('test/fixtures/shipped/publictest.X.npy')).images;
});

const opTypes = (bytes: Uint8Array): string[] =>
  (decodeModelProto(bytes).graph as { node: { opType: string }[] }).node.map((n) => n.opType);

describe('exportToOnnx', () => {
  it.each(['cnn', 'rnn'])("gives the shipped %s model's probabilities on real PublicTest faces", async (kind) => {
    const m = await loadFerModel(`models/${kind}`);
    const n = 48;
    const x = Float32Array.from(faces.subarray(0, n * 2304), (p) => p / 255);
    const shape = [n, ...m.meta.inputShape];
    const bytes = exportToOnnx(m.model);
    const ref = tfjsProbs(m.model, x, shape);
    const onnx = await onnxProbs(bytes, x, shape);
    expect(maxAbsDiff(ref, onnx)).toBeLessThanOrEqual(TOLERANCE);
    // Batch norm folded into the convolutions: no per-channel Mul/Add and no BatchNormalization node left.
    const ops = opTypes(bytes);
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(kind === 'cnn' ? 6 : 2);
    expect(ops.some((o) => o === 'Mul' || o === 'BatchNormalization')).toBe(false);
    if (kind === 'rnn') expect(ops).toContain('LSTM');
    m.model.dispose();
  });

  it.each([
    ['CNN', () => buildCnn([48, 48, 1], 7, { stages: [[4], [6, 6], [8]], seed: 2 }), [48, 48, 1], 'cnn'],
    ['RNN, sigmoid gates', () => buildRnn([48, 48], 7, { units: 6, stem: [4, 6], seed: 2 }), [48, 48], 'rnn'],
    [
      'RNN, hard-sigmoid gates',
      () => buildRnn([48, 48], 7, { units: 6, stem: [4], recurrentActivation: 'hardSigmoid', seed: 3 }),
      [48, 48],
      'rnn',
    ],
    ['RNN over raw rows', () => buildRnn([48, 48], 7, { units: 6, stem: [], seed: 4 }), [48, 48], 'rnn'],
  ] as const)('matches a freshly trained tiny %s', async (_label, build, inputShape, kind) => {
    const { model } = await trainTiny({ build, kind, inputShape: [...inputShape], faces });
    const n = 16;
    const x = Float32Array.from(faces.subarray(0, n * 2304), (p) => p / 255);
    expect(await exportDiff(model, x, n)).toBeLessThanOrEqual(TOLERANCE);
    randomiseWeights(model, 11); // and with weights far from what one epoch leaves (batch-norm statistics included)
    expect(await exportDiff(model, x, n)).toBeLessThanOrEqual(TOLERANCE);
    model.dispose();
  });

  it.each([
    ['paper CNN (28x28x3 PCA blocks)', () => buildPaperCnn(7, 3), PAPER_INPUT, 'paper-cnn'],
    ['paper LSTM (ReLU cell, 28 steps of 84)', () => buildPaperRnn(7, 3), [28, 84], 'paper-rnn'],
  ] as const)('matches the %s, freshly trained', async (_label, build, inputShape, kind) => {
    const { model } = await trainTiny({ build, kind, inputShape: [...inputShape] });
    const x = randomInput(8, [...inputShape], 5);
    expect(await exportDiff(model, x, 8)).toBeLessThanOrEqual(TOLERANCE);
    model.dispose();
  });

  it('matches odd image layouts: strides, dilation, same padding on odd sizes, biases, a batch norm after an activation', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [13, 11, 3],
          filters: 5,
          kernelSize: [3, 2],
          strides: 2,
          padding: 'same',
          useBias: true,
          activation: 'relu',
        }),
        tf.layers.batchNormalization(), // not foldable: the conv has its own activation
        tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
        tf.layers.conv2d({ filters: 4, kernelSize: 2, dilationRate: 2, padding: 'valid' }),
        tf.layers.batchNormalization({ center: false, scale: false, epsilon: 0.01 }),
        tf.layers.activation({ activation: 'elu' }),
        tf.layers.maxPooling2d({ poolSize: [2, 1] }),
        tf.layers.globalMaxPooling2d({}),
        tf.layers.dense({ units: 5, activation: 'tanh' }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    randomiseWeights(model, 21);
    expect(await exportDiff(model, randomInput(5, [13, 11, 3], 1), 5)).toBeLessThanOrEqual(TOLERANCE);
    model.dispose();
  });

  it("keeps tfjs's element order through flatten, permute and reshape of multi-channel images", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 5, 2], filters: 3, kernelSize: 3, padding: 'same' }),
        tf.layers.batchNormalization(),
        tf.layers.permute({ dims: [2, 1, 3] }),
        tf.layers.conv2d({ filters: 4, kernelSize: 1 }),
        tf.layers.reshape({ targetShape: [5, 24] }),
        tf.layers.dense({ units: 6, activation: 'sigmoid' }), // a dense layer over a sequence (MatMul + Add)
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, activation: 'softmax' }),
      ],
    });
    randomiseWeights(model, 31);
    expect(await exportDiff(model, randomInput(4, [6, 5, 2], 2), 4)).toBeLessThanOrEqual(TOLERANCE);
    model.dispose();
  });

  it('matches stacked LSTMs returning sequences, hard-sigmoid and sigmoid gates, a bidirectional one in between', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({ inputShape: [7, 5], units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid' }),
        tf.layers.bidirectional({
          layer: tf.layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' }) as tf.RNN,
          mergeMode: 'concat',
        }),
        tf.layers.batchNormalization(),
        tf.layers.lstm({ units: 5, useBias: false, recurrentActivation: 'sigmoid' }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    randomiseWeights(model, 41);
    expect(await exportDiff(model, randomInput(6, [7, 5], 3), 6)).toBeLessThanOrEqual(TOLERANCE);
    model.dispose();
  });

  it('refuses a layer it cannot express with an error naming it', () => {
    const model = tf.sequential({
      layers: [tf.layers.gru({ inputShape: [4, 3], units: 2, name: 'my_gru' }), tf.layers.dense({ units: 2 })],
    });
    expect(() => exportToOnnx(model)).toThrow(FerError);
    expect(() => exportToOnnx(model)).toThrow(/my_gru \(GRU\)/);
    model.dispose();
  });
});
