import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { createAdam, setAdamFused } from '../../../src/core/train/fused-adam.ts';

// Odd sizes (no multiple of 4 or 8), a scalar-like bias and a matrix.
const SHAPES = [[7], [1], [13, 5], [3, 3, 2, 4]];

function makeVars(tag: string): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 100 + i), true, `${tag}_${i}`));
}

/** Steps with gradients of mixed scale (tiny, large, zero) and a learning rate changed mid-run as the schedule does. */
function train(opt: tf.AdamOptimizer, vars: tf.Variable[], steps: number, from = 0): void {
  for (let s = from; s < from + steps; s++) {
    if (s === 3) (opt as unknown as { learningRate: number }).learningRate = 5e-4;
    const grads = vars.map((v, i) => {
      const scale = [1, 1e-6, 50, 0][(s + i) % 4];
      return {
        name: v.name,
        tensor: tf.tidy(() => tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', 1 + 7 * s + i), scale)),
      };
    });
    opt.applyGradients(grads);
    tf.dispose(grads.map((g) => g.tensor));
  }
}

const values = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

async function slots(opt: tf.AdamOptimizer) {
  const ws = await opt.getWeights();
  return ws.map((w) => ({ name: w.name.replace(/^[a-z]+_/, ''), data: Array.from(w.tensor.dataSync()) }));
}

function run(fused: boolean, tag: string, steps = 6) {
  setAdamFused(fused);
  const opt = createAdam(2e-3);
  const vars = makeVars(tag);
  train(opt, vars, steps);
  return { opt, vars };
}

describe('fused Adam on wasm', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    return () => setAdamFused(true);
  });

  it('updates weights and moments exactly as tfjs Adam', async () => {
    const stock = run(false, 'stock');
    const fused = run(true, 'fused');
    expect(fused.opt.constructor).not.toBe(stock.opt.constructor);
    expect(values(fused.vars)).toEqual(values(stock.vars));
    expect(values(stock.vars)).not.toEqual(values(makeVars('init')));
    expect(await slots(fused.opt)).toEqual(await slots(stock.opt));
    expect(fused.opt.iterations).toBe(6);
    tf.dispose([...stock.vars, ...fused.vars]);
    stock.opt.dispose();
    fused.opt.dispose();
  });

  it('resumes from a checkpoint as the stock optimizer does, and writes one the stock optimizer resumes', async () => {
    // setWeights recomputes beta^t as a power, not the running product, so a resumed run
    // is within rounding of an uninterrupted one, not equal: compare resumed with resumed.
    const whole = run(false, 'whole', 8);
    for (const writer of [true, false]) {
      const a = run(writer, `w${writer}`, 5);
      const ckpt = await a.opt.getWeights();
      const resumed = [];
      for (const reader of [false, true]) {
        setAdamFused(reader);
        const b = createAdam(2e-3);
        await b.setWeights(ckpt.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
        (b as unknown as { learningRate: number }).learningRate = 5e-4; // as the schedule set it at step 3
        const vars = a.vars.map((v, i) => tf.variable(v.clone(), true, `r${writer}${reader}_${i}`));
        train(b, vars, 3, 5);
        resumed.push({ weights: values(vars), slots: (await slots(b)).map((w) => w.data) });
        b.dispose();
        tf.dispose(vars);
      }
      expect(resumed[1]).toEqual(resumed[0]);
      const far = resumed[1].weights.flatMap((v, i) => v.map((x, j) => Math.abs(x - values(whole.vars)[i][j])));
      expect(Math.max(...far)).toBeLessThan(1e-5);
      a.opt.dispose();
      tf.dispose(a.vars);
    }
    whole.opt.dispose();
    tf.dispose(whole.vars);
  });

  it('keeps no tensor a step', () => {
    setAdamFused(true);
    const opt = createAdam(1e-3);
    const vars = makeVars('leak');
    train(opt, vars, 1);
    const before = tf.memory().numTensors;
    train(opt, vars, 4, 1);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    tf.dispose(vars);
  });
});
