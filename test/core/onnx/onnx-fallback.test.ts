import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadDataset } from '../../../src/core/dataset/load-dataset.ts';
import { predictProbs } from '../../../src/core/eval/predict-probs.ts';
import { loadFerModel, type FerModel } from '../../../src/core/model-io/load-fer-model.ts';
import { classifierRuntime, configureOnnxInference } from '../../../src/core/onnx/inference-config.ts';
import { onnxClassifierFor } from '../../../src/core/onnx/onnx-classifier.ts';
import { maxAbsDiff } from './onnx-test-utils.ts';

let faces: Uint8Array;
let labels: Uint8Array;
let rnn: FerModel;

beforeAll(async () => {
  await initBackend('wasm');
  const ds = await loadDataset('test/fixtures/shipped/publictest.X.npy');
  faces = ds.images;
  labels = ds.labels;
  rnn = await loadFerModel('models/rnn');
});
afterEach(() => configureOnnxInference());

describe('classification without ONNX Runtime', () => {
  it('runs on tfjs when no runtime may load, with the same probabilities', async () => {
    configureOnnxInference({ allow: [] }); // the loader finds nothing, as where onnxruntime-node is missing
    expect(await classifierRuntime()).toBeNull();
    expect(await onnxClassifierFor(rnn.model, rnn.dir)).toBeNull();
    const viaTfjs = await predictProbs(rnn, faces, labels, { tta: true });

    configureOnnxInference();
    expect((await classifierRuntime())?.name).toBe('onnxruntime-node');
    expect(await onnxClassifierFor(rnn.model, rnn.dir)).not.toBeNull();
    const viaOnnx = await predictProbs(rnn, faces, labels, { tta: true });
    expect(viaOnnx).toHaveLength(labels.length * 7);
    expect(maxAbsDiff(viaOnnx, viaTfjs)).toBeLessThanOrEqual(1e-5);
  });

  it('falls back to tfjs for a batch the runtime fails on', async () => {
    const c = await onnxClassifierFor(rnn.model, rnn.dir);
    const reference = await predictProbs(rnn, faces, labels);
    const run = c!.run;
    c!.run = () => Promise.reject(new Error('simulated runtime failure'));
    try {
      expect(maxAbsDiff(await predictProbs(rnn, faces, labels), reference)).toBeLessThanOrEqual(1e-5);
    } finally {
      c!.run = run;
    }
  });
});
