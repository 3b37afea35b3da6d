import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FerError } from '../../../src/core/errors.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';
import {
  buildForManifest,
  metaForManifest,
  parseTorchManifest,
  setTorchWeights,
  stagesOf,
  type TorchManifest,
} from '../../../src/core/model-io/torch-weights.ts';

const SMALL = '8;16;16';

/** A manifest + flat weights as scripts/gpu/train_torch_gpu.py writes them, taken from a tfjs model. */
function exportOf(
  model: tf.LayersModel,
  kind: 'cnn' | 'rnn',
  stages = '',
): { manifest: TorchManifest; flat: Float32Array } {
  const layers = model.layers.filter((l) => l.weights.length > 0);
  const arrays = layers.flatMap((l) => l.getWeights().map((w) => w.dataSync() as Float32Array));
  const flat = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  arrays.reduce((off, a) => (flat.set(a, off), off + a.length), 0);
  const epoch = (e: number) => ({
    epoch: e,
    loss: 1,
    accuracy: 0.5,
    valLoss: 1.1,
    valAccuracy: 0.4 + e / 100,
    emaValLoss: 1.2,
    emaValAccuracy: 0.5 + e / 100,
    seconds: 2,
  });
  const manifest = parseTorchManifest(
    {
      format: 'fer-studio-torch-weights',
      version: 1,
      kind,
      name: kind,
      layers: layers.map((l) => ({ type: l.getClassName(), shapes: l.weights.map((w) => w.shape) })),
      reference: [],
      best: { epoch: 2, weights: 'ema', valAccuracy: 0.52, valAccuracyTta: 0.53 },
      epochs: 2,
      history: [epoch(1), epoch(2)],
      seconds: 4,
      trainImages: 100,
      options: { kind, name: kind, stages, seed: 42, epochs: 2 },
      environment: { torch: '2.11.0', device: 'NVIDIA H200', python: '3.12', cpus: 16 },
    },
    'test.json',
  );
  return { manifest, flat };
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((d, v, i) => Math.max(d, Math.abs(v - b[i])), 0);

describe('PyTorch weights import', () => {
  let probe: tf.Tensor;
  const outputOf = (m: tf.LayersModel) => (m.predict(probe) as tf.Tensor).dataSync() as Float32Array;
  let source: tf.LayersModel;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    probe = tf.randomUniform([2, 48, 48, 1], 0, 1, 'float32', 3);
    source = buildCnn([48, 48, 1], 7, { stages: [[8], [16], [16]], seed: 7 });
  });

  it("puts every layer's arrays back in order: the imported model answers like the exported one", () => {
    const { manifest, flat } = exportOf(source, 'cnn', SMALL);
    expect(stagesOf(manifest)).toEqual([[8], [16], [16]]);
    const target = buildForManifest(manifest);
    expect(maxDiff(outputOf(target), outputOf(source))).toBeGreaterThan(1e-3); // different initial weights
    setTorchWeights(target, manifest, flat);
    expect(maxDiff(outputOf(target), outputOf(source))).toBeLessThan(1e-6);
  });

  const cases: [string, (m: TorchManifest, flat: Float32Array) => Float32Array, RegExp][] = [
    ['a missing layer', (m, f) => (m.layers.pop(), f), /has 6 weighted layers; the model has 7/],
    [
      'a layer of another type',
      (m, f) => ((m.layers[1].type = 'Conv2D'), f),
      /layer 2 .*exported as Conv2D, the model has BatchNormalization/,
    ],
    [
      'a transposed kernel',
      (m, f) => ((m.layers[2].shapes[0] = [3, 3, 16, 8]), f),
      /layer 3 .*shapes \[\[3,3,16,8\]\] do not match/,
    ],
    ['a truncated weights file', (_m, f) => f.subarray(0, f.length - 1), /holds \d+ floats; its manifest lists \d+/],
    ['another batch-norm epsilon', (m, f) => ((m.layers[1].epsilon = 1e-5), f), /batch-norm epsilon 0.00001/],
  ];
  for (const [what, spoil, message] of cases) {
    it(`refuses ${what} and leaves the model untouched`, () => {
      const { manifest, flat } = exportOf(source, 'cnn', SMALL);
      const target = buildForManifest(manifest);
      const before = outputOf(target);
      const bad = spoil(manifest, flat);
      expect(() => setTorchWeights(target, manifest, bad)).toThrow(FerError);
      expect(() => setTorchWeights(target, manifest, bad)).toThrow(message);
      expect(maxDiff(outputOf(target), before)).toBe(0);
    });
  }

  it('refuses LSTM weights trained with other gates than the model has', () => {
    // PyTorch's LSTM gates are sigmoids; an RNN built with tfjs' hard sigmoid would answer differently.
    const rnn = buildRnn([48, 48], 7, { units: 4, stem: [4], recurrentActivation: 'hardSigmoid' });
    const { manifest, flat } = exportOf(rnn, 'rnn');
    manifest.layers.find((l) => l.type === 'Bidirectional')!.recurrentActivation = 'sigmoid';
    expect(() => setTorchWeights(rnn, manifest, flat)).toThrow(/LSTM gates sigmoid, the model's are hardSigmoid/);
  });

  it('rejects a file that is not a manifest', () => {
    expect(() => parseTorchManifest({ format: 'layers-model' }, 'x.json')).toThrow(
      /not a FER Studio torch-weights manifest/,
    );
    expect(() => parseTorchManifest({ format: 'fer-studio-torch-weights', version: 1, kind: 'svm' }, 'x.json')).toThrow(
      /kind/,
    );
  });

  it('writes meta.json with the history of the weights it exported (EMA here) and where they came from', () => {
    const { manifest } = exportOf(source, 'cnn', SMALL);
    const meta = metaForManifest(manifest, source, 'models/torch-runs/x.json');
    expect(meta.history.map((h) => h.valAccuracy)).toEqual([0.51, 0.52]);
    expect(meta.metrics).toMatchObject({ bestValAccuracy: 0.52, bestEpoch: 2 });
    expect(meta.options).toMatchObject({
      source: 'models/torch-runs/x.json',
      selected: 'ema weights of epoch 2',
      trainer: 'scripts/gpu/train_torch_gpu.py',
    });
    expect(meta.backend).toBe('pytorch 2.11.0');
    expect(meta.params).toBe(source.countParams());
  });

  it('puts the run a distillation started from (--init) first in the history, numbered on, with both machines and times', () => {
    const { manifest: prior } = exportOf(source, 'cnn', SMALL);
    const { manifest: tuned } = exportOf(source, 'cnn', SMALL);
    tuned.environment = { ...tuned.environment, device: 'cpu', cpus: 2 };
    tuned.best = { ...tuned.best, epoch: 1, weights: 'live' };
    const meta = metaForManifest(tuned, source, 'runs/kd/x.json', {
      manifest: prior,
      source: 'models/torch-runs/run2/x.json',
    });
    expect(meta.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(meta.history.map((h) => Math.round(h.valAccuracy! * 100))).toEqual([51, 52, 41, 42]); // EMA then live figures, as each run exported
    expect(meta.metrics.bestEpoch).toBe(3);
    expect(meta.seconds).toBe(8);
    expect(meta.machine).toBe('NVIDIA H200 GPU, 16 CPU cores (a lent machine), then 2 CPU cores (PyTorch on CPU)');
    expect(meta.options).toMatchObject({
      init: 'models/torch-runs/run2/x.json',
      priorEpochs: 2,
      selected: 'live weights of epoch 3',
    });
  });
});
