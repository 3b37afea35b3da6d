/**
 * One Adam update of one variable as one JavaScript kernel on the wasm heap.
 * tfjs' AdamOptimizer runs about a dozen stock kernels per variable (each a
 * dispatch, an allocation and a full pass over the data) on the main thread
 * while the gradient workers wait: the serial tail of a 2-worker RNN step
 * (scripts/pool-timing.ts; bench/train.ts --ab adam measures the lever).
 *
 * Every operation is rounded to float32 in tfjs' order, so the result is the
 * stock optimizer's bit for bit (test/core/train/fused-adam.test.ts): float64
 * then one rounding is exact for + - * / and sqrt, since 53 >= 2 * 24 + 2.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { attr, type KernelArgs } from './wasm-composite.ts';
import type { WasmHeapBackend } from './wasm-heap.ts';

export const ADAM_UPDATE = 'FerAdamUpdate';

/** Scalars of one step, as tfjs' AdamOptimizer forms them (each a float32). */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  /** 1 - beta1 and 1 - beta2, computed in float64 first as tfjs does. */
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** 1 - beta1^t and 1 - beta2^t, from the optimizer's float32 accumulators. */
  correction1: number;
  correction2: number;
  epsilon: number;
  /** -learningRate. */
  negLr: number;
}

const f = Math.fround;

/** Writes the new value, first and second moments of `x` given its gradient `g`. */
export function adamUpdate(
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  s: AdamScalars,
  xOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
): void {
  const b1 = f(s.beta1);
  const b2 = f(s.beta2);
  const ob1 = f(s.oneMinusBeta1);
  const ob2 = f(s.oneMinusBeta2);
  const c1 = f(s.correction1);
  const c2 = f(s.correction2);
  const eps = f(s.epsilon);
  const nlr = f(s.negLr);
  for (let i = 0; i < x.length; i++) {
    const gi = g[i];
    const m1 = f(f(m[i] * b1) + f(gi * ob1));
    const v1 = f(f(v[i] * b2) + f(f(gi * gi) * ob2));
    mOut[i] = m1;
    vOut[i] = v1;
    const mHat = f(m1 / c1);
    const vHat = f(v1 / c2);
    xOut[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * nlr) + x[i]);
  }
}

/** inputs x, m, v, g (same shape, float32); attrs AdamScalars -> [x', m', v']. */
function adamKernel(args: KernelArgs): TensorInfo[] {
  const backend = args.backend as WasmHeapBackend;
  const { x, m, v, g } = args.inputs as Record<string, TensorInfo>;
  // Outputs first: allocating can grow the heap and detach earlier views.
  const outs = [0, 1, 2].map(() => backend.makeOutput(x.shape, 'float32'));
  const [xOut, mOut, vOut] = outs.map((o) => backend.typedArrayFromHeap(o));
  const a = (name: keyof AdamScalars) => attr<number>(args.attrs, name);
  const scalars: AdamScalars = {
    beta1: a('beta1'),
    beta2: a('beta2'),
    oneMinusBeta1: a('oneMinusBeta1'),
    oneMinusBeta2: a('oneMinusBeta2'),
    correction1: a('correction1'),
    correction2: a('correction2'),
    epsilon: a('epsilon'),
    negLr: a('negLr'),
  };
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  adamUpdate(view(x), view(m), view(v), view(g), scalars, xOut, mOut, vOut);
  return outs;
}

let registered = false;

/** Registers the update kernel on wasm; idempotent. */
export function registerWasmAdam(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc: adamKernel as unknown as KernelFunc });
}
