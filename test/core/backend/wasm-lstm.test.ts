import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { setLstmFused } from '../../../src/core/backend/wasm-lstm.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';
import { shardGradients, trainableVariables } from '../../../src/core/train/parallel/shard-gradients.ts';
import { maxRelDiff } from './backend-compare.ts';

type Run = { values: Float32Array[]; kernels: string[]; leaked: number };

const rand = (shape: number[], seed: number, scale = 1) =>
  tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale).dataSync() as Float32Array);

/**
 * A recurrent layer's output for x [B, T, D] and the gradients of sum(y * w) w.r.t. x and every
 * weight (seeded random weights, scaled so that gates leave the linear region), on the current backend.
 */
async function layerRun(make: () => tf.layers.Layer, shape: number[]): Promise<Run> {
  const layer = make();
  tf.tidy(() => {
    layer.apply(tf.zeros(shape));
  });
  layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(rand(w.shape, 10 + i, 0.7), w.shape)));
  const x = tf.variable(tf.tensor(rand(shape, 1, 1.5), shape));
  const vars = [x, ...layer.trainableWeights.map((v) => v.read() as tf.Variable)];
  const before = tf.memory().numTensors;
  let y: Float32Array = new Float32Array();
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => {
      const out = layer.apply(x, { training: true }) as tf.Tensor;
      y = out.dataSync() as Float32Array;
      const w = tf.tensor(rand(out.shape, 2), out.shape);
      return tf.sum(tf.mul(out, w)) as tf.Scalar;
    }, vars);
    const values = [y, ...vars.map((v) => grads[v.name].dataSync() as Float32Array)];
    tf.dispose([value, ...Object.values(grads)]);
    return values;
  });
  const values = profile.result as unknown as Float32Array[];
  const leaked = tf.memory().numTensors - before;
  x.dispose();
  layer.dispose();
  return { values, kernels: profile.kernels.map((k) => k.name), leaked };
}

/** Fused on wasm, stock on wasm, stock on cpu. */
async function threeWays(make: () => tf.layers.Layer, shape: number[]) {
  await tf.setBackend('wasm');
  setLstmFused(true);
  const fused = await layerRun(make, shape);
  setLstmFused(false);
  const stock = await layerRun(make, shape);
  setLstmFused(true);
  await tf.setBackend('cpu');
  const cpu = await layerRun(make, shape);
  await tf.setBackend('wasm');
  return { fused, stock, cpu };
}

function expectClose(a: Run, b: Run, tol = 1e-4) {
  expect(a.values.length).toBe(b.values.length);
  a.values.forEach((v, i) => {
    expect(v.length, `value ${i}`).toBe(b.values[i].length);
    expect(maxRelDiff(v, b.values[i]), `value ${i} (0 = y, 1 = dx, then the weights)`).toBeLessThan(tol);
  });
}

const lstm = (o: { act: 'sigmoid' | 'hardSigmoid'; back?: boolean; seq?: boolean }) => () =>
  tf.layers.lstm({
    units: 5,
    recurrentActivation: o.act,
    goBackwards: o.back ?? false,
    returnSequences: o.seq ?? false,
  });

describe('fused LSTM on wasm', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each([
    ['sigmoid', false, [3, 4, 6]],
    ['sigmoid', true, [3, 4, 6]],
    ['hardSigmoid', false, [1, 5, 3]],
    ['hardSigmoid', true, [3, 2, 4]],
    ['sigmoid', true, [1, 7, 2]],
  ] as const)('matches the stock LSTM (wasm and cpu): %s, goBackwards %s, x %j', async (act, back, shape) => {
    const { fused, stock, cpu } = await threeWays(lstm({ act, back }), [...shape]);
    expect(fused.kernels).toContain('FerLstmStep');
    expect(fused.kernels).toContain('FerLstmStepGrad');
    expect(stock.kernels).not.toContain('FerLstmStep');
    expectClose(fused, stock);
    expectClose(fused, cpu);
    expect(fused.leaked).toBe(0);
  });

  it.each(['sigmoid', 'hardSigmoid'] as const)('matches inside Bidirectional (concat), %s', async (act) => {
    const make = () => tf.layers.bidirectional({ layer: lstm({ act })() as tf.RNN, mergeMode: 'concat' });
    const { fused, stock, cpu } = await threeWays(make, [3, 6, 7]);
    expect(fused.kernels.filter((k) => k === 'FerLstmStep').length).toBe(12);
    expectClose(fused, stock);
    expectClose(fused, cpu);
    expect(fused.leaked).toBe(0);
  });

  it('leaves returnSequences to the stock call', async () => {
    const { fused, cpu } = await threeWays(lstm({ act: 'sigmoid', seq: true }), [2, 3, 4]);
    expect(fused.kernels).not.toContain('FerLstmStep');
    expectClose(fused, cpu);
  });

  it.each<[string, Partial<Parameters<typeof tf.layers.lstm>[0]>]>([
    ['dropout', { dropout: 0.2 }],
    ['recurrentDropout', { recurrentDropout: 0.2 }],
    ['returnState', { returnState: true }],
    ['stateful', { stateful: true, batchInputShape: [2, 3, 4] }],
    ['relu activation', { activation: 'relu' }],
    ['no bias', { useBias: false }],
  ])('leaves %s to the stock call', async (_, extra) => {
    const layer = tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', ...extra });
    const x = tf.randomNormal([2, 3, 4]);
    const names = (await tf.profile(() => tf.tidy(() => [layer.apply(x, { training: true })].flat().length))).kernels;
    expect(names.map((k) => k.name)).not.toContain('FerLstmStep');
    x.dispose();
    layer.dispose();
  });

  it("gives the RNN's training gradients of the stock layers", async () => {
    const m = 3;
    const x = rand([m, 48, 48], 5, 0.3);
    const y = new Float32Array(m * 7);
    for (let i = 0; i < m; i++) y[i * 7 + (i % 7)] = 1;
    const shard = { x, y, w: null, m };
    const grads = (on: boolean) => {
      setLstmFused(on);
      const model = buildRnn([48, 48], 7, { seed: 3, dropout: 0 });
      const vars = trainableVariables(model);
      const { grads: g, stats } = shardGradients(model, vars, [48, 48], 7, 'categorical', shard);
      const values = g.map((t) => t.dataSync() as Float32Array);
      tf.dispose(g);
      model.dispose();
      return { values, loss: stats.loss };
    };
    const on = grads(true);
    const off = grads(false);
    setLstmFused(true);
    expect(Math.abs(on.loss - off.loss)).toBeLessThan(1e-5);
    expect(on.values.length).toBe(off.values.length);
    // Relative to each gradient's largest entry: the RNN's gradients are far below 1, where maxRelDiff is absolute.
    const scaled = (a: Float32Array, b: Float32Array) => {
      let d = 0;
      let m = 0;
      for (let i = 0; i < a.length; i++) {
        d = Math.max(d, Math.abs(a[i] - b[i]));
        m = Math.max(m, Math.abs(b[i]));
      }
      return d / m;
    };
    const errs = on.values.map((v, i) => scaled(v, off.values[i]));
    // Measured ~1e-6 here; a 0.1 % error in one gate's gradient gives > 2e-4.
    errs.forEach((e, i) => expect(e, `gradient ${i}`).toBeLessThan(2e-5));
  });
});
