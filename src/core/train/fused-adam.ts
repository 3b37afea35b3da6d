/**
 * tfjs' Adam with each variable's update as one kernel on wasm (backend/wasm-adam.ts)
 * instead of about a dozen stock ones. The state - moments, accumulated beta powers,
 * iterations - is the parent's own, so checkpoints, getWeights/setWeights and resume
 * are unchanged, and the numbers are the stock optimizer's bit for bit
 * (test/core/train/fused-adam.test.ts). On other backends it is the stock optimizer.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, type AdamScalars } from '../backend/wasm-adam.ts';

/** The AdamOptimizer fields tfjs declares private; the same objects the parent saves and restores. */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

let fused = true;

/** Switches the fused update for optimizers made after the call (bench/train.ts --ab adam); on by default. */
export function setAdamFused(on: boolean): void {
  fused = on;
}

class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(grads: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== 'wasm') return super.applyGradients(grads);
    const self = this as unknown as AdamInternals;
    const list = Array.isArray(grads) ? grads : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
    // Read once per step: a 4-byte sync against a dozen dispatches per variable.
    const [a1, a2] = [self.accBeta1.dataSync()[0], self.accBeta2.dataSync()[0]];
    const scalars: AdamScalars = {
      beta1: self.beta1,
      beta2: self.beta2,
      oneMinusBeta1: 1 - self.beta1,
      oneMinusBeta2: 1 - self.beta2,
      correction1: 1 - a1,
      correction2: 1 - a2,
      epsilon: self.epsilon,
      negLr: -self.learningRate,
    };
    tf.tidy(() => {
      list.forEach(({ name, tensor: g }, i) => {
        const value = tf.engine().registeredVariables[name];
        // Slots made exactly as the parent makes them (names, order, not trainable), so its getWeights saves them.
        self.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        self.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        if (g == null) return;
        const m = self.accumulatedFirstMoment[i].variable;
        const v = self.accumulatedSecondMoment[i].variable;
        const [x1, m1, v1] = tf.engine().runKernel(ADAM_UPDATE, { x: value, m, v, g }, { ...scalars }) as tf.Tensor[];
        m.assign(m1);
        v.assign(v1);
        value.assign(x1);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}

/** The trainer's optimizer: tf.train.adam's defaults, fused on wasm unless switched off. */
export function createAdam(learningRate: number): tf.AdamOptimizer {
  return fused ? new FusedAdamOptimizer(learningRate, 0.9, 0.999) : tf.train.adam(learningRate);
}
