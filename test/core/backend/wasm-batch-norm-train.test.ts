import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { setBatchNormReluFused } from '../../../src/core/backend/bn-relu-fusion.ts';
import { batchNormTrain } from '../../../src/core/backend/wasm-batch-norm-train.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { maxRelDiff, onWasmAndCpu } from './backend-compare.ts';

type Run = {
  y: Float32Array;
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  leaked: number;
};

const rand = (shape: number[], seed: number, mean = 0) =>
  tf.randomNormal(shape, mean, 1, 'float32', seed).dataSync() as Float32Array;

/** A BatchNormalization layer's training-mode output, its gradients for sum(y * w), and its moving statistics after the call. */
function bnTrainingStep(shape: number[]): Run {
  const c = shape[shape.length - 1];
  const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
  tf.tidy(() => {
    layer.apply(tf.zeros(shape));
  });
  layer.setWeights([
    tf.tensor1d(rand([c], 1, 1)),
    tf.tensor1d(rand([c], 2)),
    tf.tensor1d(rand([c], 3)),
    tf.abs(tf.tensor1d(rand([c], 4))),
  ]);
  const x = tf.variable(tf.tensor(rand(shape, 5, 3), shape));
  const w = tf.tensor(rand(shape, 6), shape);
  const [gamma, beta] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const before = tf.memory().numTensors;
  let y: Float32Array = new Float32Array();
  const { value, grads } = tf.variableGrads(() => {
    const out = layer.apply(x, { training: true }) as tf.Tensor;
    y = out.dataSync() as Float32Array;
    return tf.sum(tf.mul(out, w)) as tf.Scalar;
  }, [x, gamma, beta]);
  value.dispose();
  const run = {
    y,
    dx: grads[x.name].dataSync() as Float32Array,
    dgamma: grads[gamma.name].dataSync() as Float32Array,
    dbeta: grads[beta.name].dataSync() as Float32Array,
    movingMean: layer.getWeights()[2].dataSync() as Float32Array,
    movingVariance: layer.getWeights()[3].dataSync() as Float32Array,
  };
  tf.dispose(Object.values(grads));
  const leaked = tf.memory().numTensors - before;
  tf.dispose([x, w]);
  layer.dispose();
  return { ...run, leaked };
}

describe('fused training batch norm on wasm', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each([[[2, 5, 5, 3]], [[4, 6, 6, 16]], [[8, 4]]])(
    'matches the stock layer on the cpu backend: shape %j',
    async (shape) => {
      const { wasm, cpu } = await onWasmAndCpu(() => bnTrainingStep(shape));
      for (const k of ['y', 'dx', 'dgamma', 'dbeta', 'movingMean', 'movingVariance'] as const) {
        expect(wasm[k].length, k).toBe(cpu[k].length);
        expect(maxRelDiff(wasm[k], cpu[k]), k).toBeLessThan(1e-4);
      }
      expect(wasm.leaked).toBe(0);
    },
  );

  it("runs the project's kernels on wasm for a training step, and the stock ones for inference", async () => {
    const layer = tf.layers.batchNormalization({});
    const x = tf.randomNormal([2, 4, 4, 3]);
    const names = async (training: boolean) =>
      (
        await tf.profile(() => {
          const g = tf.grad((a: tf.Tensor) => tf.sum(layer.apply(a, { training }) as tf.Tensor))(x);
          return g;
        })
      ).kernels.map((k) => k.name);
    const train = await names(true);
    expect(train).toContain('FerBatchNormTrain');
    expect(train).toContain('FerBatchNormTrainGrad');
    expect(train).not.toContain('FusedBatchNorm');
    expect(await names(false)).toContain('FusedBatchNorm');
    x.dispose();
    layer.dispose();
  });
});

type Grads = { y: Float32Array; dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array };

/** relu(batch norm(x)) and its gradients for sum(y * w), by `bnRelu`, on random x, gamma, beta (beta around betaMean). */
function reluStep(
  shape: number[],
  betaMean: number,
  bnRelu: (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor,
): Grads {
  const c = shape[shape.length - 1];
  return tf.tidy(() => {
    const x = tf.tensor(rand(shape, 11, 1), shape);
    const gamma = tf.tensor1d(rand([c], 12, 1));
    const beta = tf.tensor1d(rand([c], 13, betaMean));
    const w = tf.tensor(rand(shape, 14), shape);
    const y = bnRelu(x, gamma, beta);
    const [dx, dgamma, dbeta] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(bnRelu(a, g as tf.Tensor1D, b as tf.Tensor1D), w)),
    )([x, gamma, beta]);
    const v = (t: tf.Tensor) => t.dataSync() as Float32Array;
    return { y: v(y), dx: v(dx), dgamma: v(dgamma), dbeta: v(dbeta) };
  });
}

const EPS = 1e-3;
const fusedOnWasm = (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => {
  const [y, mean, variance] = batchNormTrain(x, g, b, EPS, true);
  tf.dispose([mean, variance]);
  return y;
};
const stockOps = (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => {
  const { mean, variance } = tf.moments(
    x,
    x.shape.slice(0, -1).map((_, i) => i),
  );
  return tf.relu(tf.batchNorm(x, mean, variance, b, g, EPS));
};

/** Gradients of a small seeded CNN's loss on one batch, the kernels the step ran, and its prediction afterwards. */
async function cnnGradients(
  fused: boolean,
  fromJson = false,
): Promise<{ grads: Float32Array[]; kernels: string[]; predicted: Float32Array }> {
  setBatchNormReluFused(fused);
  let model = buildCnn([8, 8, 1], 3, { stages: [[4], [6, 5]], dropout: 0, seed: 3 });
  if (fromJson) {
    // As a gradient worker builds its replica: from the topology JSON, then the weights.
    const built = model;
    model = await tf.models.modelFromJSON({ modelTopology: built.toJSON(null, false) } as tf.io.ModelJSON);
    model.setWeights(built.getWeights());
    built.dispose();
  }
  const x = tf.tensor(rand([4, 8, 8, 1], 21), [4, 8, 8, 1]);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3));
  let grads: Float32Array[] = [];
  const profile = await tf.profile(() => {
    const { value, grads: g } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    );
    grads = Object.values(g).map((t) => t.dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(g)]);
  });
  const p = model.predict(x) as tf.Tensor;
  const predicted = p.dataSync() as Float32Array;
  setBatchNormReluFused(true);
  tf.dispose([x, labels, p]);
  model.dispose();
  return { grads, kernels: profile.kernels.map((k) => k.name), predicted };
}

describe('batch norm + ReLU fused on wasm', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each([
    [[2, 5, 5, 3], 0],
    [[4, 6, 6, 16], 0],
    [[8, 4], 0.5],
    [[3, 7, 5], -1.5],
    [[64, 6], -3],
    [[16, 9, 9, 1], 0],
  ])(
    'matches relu(batchNorm(moments)) of stock ops on the cpu backend: shape %j, beta around %d',
    async (shape, betaMean) => {
      await tf.setBackend('wasm');
      const wasm = reluStep(shape, betaMean, fusedOnWasm);
      await tf.setBackend('cpu');
      const cpu = reluStep(shape, betaMean, stockOps);
      await tf.setBackend('wasm');
      const zeros = cpu.y.filter((v) => v === 0).length / cpu.y.length;
      // Negative-heavy rows: most outputs are clamped and most of dy is masked.
      if (betaMean <= -1.5) expect(zeros).toBeGreaterThan(0.8);
      for (const k of ['y', 'dx', 'dgamma', 'dbeta'] as const) {
        expect(wasm[k].length, k).toBe(cpu[k].length);
        expect(maxRelDiff(wasm[k], cpu[k]), k).toBeLessThan(1e-4);
      }
    },
  );

  it("gives a CNN's gradients within 1e-4 of the unfused step, without Relu kernels or extra tensors left", async () => {
    const before = tf.memory().numTensors;
    const off = await cnnGradients(false);
    const mid = tf.memory().numTensors;
    const on = await cnnGradients(true);
    // The unfused step leaves one tensor of its own behind (in tfjs-layers); the fused one no more.
    expect(tf.memory().numTensors - mid).toBe(mid - before);
    expect(off.kernels).toContain('Relu');
    expect(on.kernels).not.toContain('Relu');
    expect(on.kernels).not.toContain('Step');
    expect(on.kernels).toContain('FerAlias');
    expect(on.grads.length).toBe(off.grads.length);
    // Inference is untouched: the same prediction, bit for bit (the step updated the moving statistics alike).
    expect(Array.from(on.predicted)).toEqual(Array.from(off.predicted));
    for (let i = 0; i < on.grads.length; i++) {
      let scale = 0;
      for (const v of off.grads[i]) scale = Math.max(scale, Math.abs(v));
      let diff = 0;
      for (let j = 0; j < on.grads[i].length; j++) diff = Math.max(diff, Math.abs(on.grads[i][j] - off.grads[i][j]));
      expect(diff / scale, `gradient ${i}`).toBeLessThan(1e-4);
    }
  });

  it('fuses in a CNN rebuilt from its topology JSON, as on the gradient workers', async () => {
    const off = await cnnGradients(false, true);
    const on = await cnnGradients(true, true);
    expect(on.kernels).not.toContain('Relu');
    expect(on.kernels).toContain('FerAlias');
    for (let i = 0; i < on.grads.length; i++)
      expect(maxRelDiff(on.grads[i], off.grads[i]), `gradient ${i}`).toBeLessThan(1e-4);
  });

  it('keeps the ReLU out of a batch norm whose output is also read elsewhere, or that is applied on its own', () => {
    const input = tf.input({ shape: [3, 3, 2] });
    const bnLayer = tf.layers.batchNormalization();
    const bn = bnLayer.apply(input) as tf.SymbolicTensor;
    const act = tf.layers.activation({ activation: 'relu' }).apply(bn) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [bn, act] });
    const x = tf.tensor(rand([2, 3, 3, 2], 31), [2, 3, 3, 2]);
    const [yBn, yAct] = model.apply(x, { training: true }) as tf.Tensor[];
    expect(yBn.min().dataSync()[0]).toBeLessThan(0);
    expect(yAct.min().dataSync()[0]).toBe(0);
    // The CNN's first batch norm, called outside the model: plain batch norm, negatives kept.
    const cnn = buildCnn([4, 4, 1], 2, { stages: [[3]], seed: 2 });
    const h = cnn.layers[0].apply(tf.tensor(rand([2, 4, 4, 1], 32), [2, 4, 4, 1])) as tf.Tensor;
    const direct = cnn.layers[1].apply(h, { training: true }) as tf.Tensor;
    expect(direct.min().dataSync()[0]).toBeLessThan(0);
    tf.dispose([x, yBn, yAct, h, direct]);
    model.dispose();
    cnn.dispose();
  });
});
