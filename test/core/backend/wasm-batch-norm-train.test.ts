import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
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
