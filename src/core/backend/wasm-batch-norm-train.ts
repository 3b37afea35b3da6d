/**
 * Training-mode batch norm (channels last) as two JavaScript kernels on the wasm
 * heap: the forward pass computes the batch's mean and variance and normalises
 * in three passes, and the backward pass gives dx, dgamma and dbeta in two.
 * The stock layer builds it from moments (mean, subtract, square, mean, casts),
 * FusedBatchNorm and their gradients: about twenty full-size passes, each a
 * separate kernel (bench/train.ts --ab batch-norm compares the two in one run).
 *
 * With xhat = (x - mean) * rstd, rstd = 1 / sqrt(var + eps) over N values per channel:
 *   dbeta = sum(dy), dgamma = sum(dy * xhat), dx = gamma * rstd / N * (N * dy - dbeta - xhat * dgamma),
 * the gradient through the batch statistics included.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { attr, type KernelArgs } from './wasm-composite.ts';
import type { WasmHeapBackend } from './wasm-heap.ts';

const FORWARD = 'FerBatchNormTrain';
const BACKWARD = 'FerBatchNormTrainGrad';

/** y, and the batch mean and (biased) variance per channel, of x viewed as [rows, c]. */
export function batchNormTrainForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
  y: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
): void {
  const c = gamma.length;
  const rows = x.length / c;
  const sum = new Float64Array(c);
  for (let i = 0, o = 0; i < rows; i++, o += c) for (let k = 0; k < c; k++) sum[k] += x[o + k];
  for (let k = 0; k < c; k++) mean[k] = sum[k] / rows;
  // Two-pass variance: sum((x - mean)^2), as tf.moments computes it (no cancellation).
  sum.fill(0);
  for (let i = 0, o = 0; i < rows; i++, o += c)
    for (let k = 0; k < c; k++) {
      const d = x[o + k] - mean[k];
      sum[k] += d * d;
    }
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    variance[k] = sum[k] / rows;
    scale[k] = gamma[k] / Math.sqrt(variance[k] + eps);
    shift[k] = beta[k] - mean[k] * scale[k];
  }
  for (let i = 0, o = 0; i < rows; i++, o += c) for (let k = 0; k < c; k++) y[o + k] = x[o + k] * scale[k] + shift[k];
}

/** dx, dgamma, dbeta of training-mode batch norm (see the file comment). */
export function batchNormTrainBackward(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  eps: number,
  dx: Float32Array,
  dgamma: Float32Array,
  dbeta: Float32Array,
): void {
  const c = gamma.length;
  const rows = x.length / c;
  const sdy = new Float64Array(c);
  const sdyx = new Float64Array(c);
  for (let i = 0, o = 0; i < rows; i++, o += c) {
    for (let k = 0; k < c; k++) {
      const g = dy[o + k];
      sdy[k] += g;
      sdyx[k] += g * (x[o + k] - mean[k]);
    }
  }
  // dx = a * dy + b * x + d per channel, folded from the formula above.
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  const d = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const rstd = 1 / Math.sqrt(variance[k] + eps);
    dbeta[k] = sdy[k];
    dgamma[k] = sdyx[k] * rstd;
    a[k] = gamma[k] * rstd;
    b[k] = (-gamma[k] * rstd * rstd * rstd * sdyx[k]) / rows;
    d[k] = (-a[k] * sdy[k]) / rows - b[k] * mean[k];
  }
  for (let i = 0, o = 0; i < rows; i++, o += c)
    for (let k = 0; k < c; k++) dx[o + k] = a[k] * dy[o + k] + b[k] * x[o + k] + d[k];
}

type Backend = WasmHeapBackend;

function forwardKernel(args: KernelArgs): TensorInfo[] {
  const backend = args.backend as Backend;
  const { x, gamma, beta } = args.inputs as Record<string, TensorInfo>;
  const c = gamma.shape[0];
  // Allocate every output before taking any view: allocation can grow (and detach) the heap.
  const outs = [
    backend.makeOutput(x.shape, 'float32'),
    backend.makeOutput([c], 'float32'),
    backend.makeOutput([c], 'float32'),
  ];
  const [y, mean, variance] = outs.map((o) => backend.typedArrayFromHeap(o));
  batchNormTrainForward(
    backend.typedArrayFromHeap(x),
    backend.typedArrayFromHeap(gamma),
    backend.typedArrayFromHeap(beta),
    attr<number>(args.attrs, 'epsilon'),
    y,
    mean,
    variance,
  );
  return outs;
}

function backwardKernel(args: KernelArgs): TensorInfo[] {
  const backend = args.backend as Backend;
  const { dy, x, mean, variance, gamma } = args.inputs as Record<string, TensorInfo>;
  const c = gamma.shape[0];
  const outs = [
    backend.makeOutput(x.shape, 'float32'),
    backend.makeOutput([c], 'float32'),
    backend.makeOutput([c], 'float32'),
  ];
  const [dx, dgamma, dbeta] = outs.map((o) => backend.typedArrayFromHeap(o));
  const v = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  batchNormTrainBackward(
    v(dy),
    v(x),
    v(mean),
    v(variance),
    v(gamma),
    attr<number>(args.attrs, 'epsilon'),
    dx,
    dgamma,
    dbeta,
  );
  return outs;
}

/**
 * Training-mode batch norm over every axis but the last, on wasm: [y, mean, variance].
 * Differentiable in x, gamma and beta (mean and variance are returned for the moving averages).
 */
export function batchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  let stats: tf.Tensor1D[] = [];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance] = tf
      .engine()
      .runKernel(FORWARD, { x: xi, gamma: g, beta: b }, { epsilon } as never) as tf.Tensor[];
    save([xi, mean, variance, g]);
    stats = [tf.keep(mean) as tf.Tensor1D, tf.keep(variance) as tf.Tensor1D];
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sm, sv, sg] = saved;
        return tf
          .engine()
          .runKernel(BACKWARD, { dy, x: sx, mean: sm, variance: sv, gamma: sg }, { epsilon } as never) as tf.Tensor[];
      },
    };
  });
  const y = f(x, gamma, beta);
  return [y, stats[0], stats[1]];
}

let registered = false;

/** Registers both kernels on wasm; idempotent. */
export function registerWasmBatchNormTrain(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: FORWARD, backendName: 'wasm', kernelFunc: forwardKernel as unknown as KernelFunc });
  tf.registerKernel({ kernelName: BACKWARD, backendName: 'wasm', kernelFunc: backwardKernel as unknown as KernelFunc });
}

/** The parts of tfjs-layers' BatchNormalization this file reads (its class is not exported as a type). */
interface BatchNormLayer {
  axis: number;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor };
  beta: { read(): tf.Tensor };
  movingMean: { read(): tf.Tensor; write(v: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(v: tf.Tensor): void };
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor;
}

let fused = true;

/** Switches the fused training batch norm on this thread (bench/train.ts --ab batch-norm); on by default. */
export function setBatchNormTrainFused(on: boolean): void {
  fused = on;
}

let patched = false;

/**
 * Makes every BatchNormalization layer use batchNormTrain for its training-mode
 * forward pass on wasm (channels last, scale and center on, float32); inference,
 * other backends and other layouts keep the stock code. The moving averages are
 * updated exactly as the stock layer does. Idempotent.
 */
export function patchBatchNormLayer(): void {
  if (patched) return;
  patched = true;
  const probe = tf.layers.batchNormalization({});
  const proto = Object.getPrototypeOf(probe) as BatchNormLayer;
  const stock = proto.call;
  proto.call = function fusedTrainingCall(this: BatchNormLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axis = this.axis >= 0 ? this.axis : this.axis + x.rank;
    if (
      !fused ||
      kwargs?.training !== true ||
      tf.getBackend() !== 'wasm' ||
      axis !== x.rank - 1 ||
      !this.scale ||
      !this.center ||
      x.dtype !== 'float32' ||
      (Array.isArray(inputs) && inputs.length !== 1)
    ) {
      return stock.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormTrain(
        x,
        this.gamma.read() as tf.Tensor1D,
        this.beta.read() as tf.Tensor1D,
        this.epsilon,
      );
      for (const [v, value] of [
        [this.movingMean, mean],
        [this.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const orig = v.read();
          v.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - this.momentum)));
        });
      }
      tf.dispose([mean, variance]);
      return y;
    });
  };
}
