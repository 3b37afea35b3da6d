/**
 * Training-mode batch norm (channels last) as two JavaScript kernels on the wasm
 * heap: the forward pass computes the batch's mean and variance and normalises
 * in two passes, and the backward pass gives dx, dgamma and dbeta in two
 * (the loops: batch-norm-loops.ts, batch-norm-backward-loops.ts). With `relu`
 * they also apply the ReLU that follows and its gradient (bn-relu-fusion.ts).
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
import { channelMoments, foldScaleShift, scaleShift } from './batch-norm-loops.ts';
import { batchNormBackwardLoops } from './batch-norm-backward-loops.ts';
import { batchNormTrainBackward, batchNormTrainForward } from './batch-norm-plain.ts';
import { markRectified, patchBatchNormReluFusion, reluFollows } from './bn-relu-fusion.ts';

const FORWARD = 'FerBatchNormTrain';
const BACKWARD = 'FerBatchNormTrainGrad';

type Backend = WasmHeapBackend;

let blocked = true;

/**
 * Blocked loops (batch-norm-loops.ts) or the plain ones they replaced, which cannot fuse the ReLU,
 * on this thread (bench/train.ts --ab bn-loops); blocked by default.
 */
export function setBatchNormLoopsBlocked(on: boolean): void {
  blocked = on;
}

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
  const xv = backend.typedArrayFromHeap(x);
  if (!blocked) {
    const v = (t: TensorInfo) => backend.typedArrayFromHeap(t);
    batchNormTrainForward(xv, v(gamma), v(beta), attr<number>(args.attrs, 'epsilon'), y, mean, variance);
    return outs;
  }
  channelMoments(xv, c, mean, variance);
  const { scale, shift } = foldScaleShift(
    mean,
    variance,
    backend.typedArrayFromHeap(gamma),
    backend.typedArrayFromHeap(beta),
    attr<number>(args.attrs, 'epsilon'),
  );
  scaleShift(xv, scale, shift, args.attrs?.relu === true, y);
  return outs;
}

function backwardKernel(args: KernelArgs): TensorInfo[] {
  const backend = args.backend as Backend;
  const { dy, x, mean, variance, gamma, beta } = args.inputs as Record<string, TensorInfo>;
  const c = gamma.shape[0];
  const outs = [
    backend.makeOutput(x.shape, 'float32'),
    backend.makeOutput([c], 'float32'),
    backend.makeOutput([c], 'float32'),
  ];
  const [dx, dgamma, dbeta] = outs.map((o) => backend.typedArrayFromHeap(o));
  const v = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  if (!blocked) {
    batchNormTrainBackward(v(dy), v(x), v(mean), v(variance), v(gamma), attr(args.attrs, 'epsilon'), dx, dgamma, dbeta);
    return outs;
  }
  batchNormBackwardLoops(
    v(dy),
    v(x),
    v(mean),
    v(variance),
    v(gamma),
    v(beta),
    attr<number>(args.attrs, 'epsilon'),
    args.attrs?.relu === true,
    dx,
    dgamma,
    dbeta,
  );
  return outs;
}

/**
 * Training-mode batch norm over every axis but the last, on wasm: [y, mean, variance], y
 * rectified (max(0, .)) when `relu`. Differentiable in x, gamma and beta (mean and variance
 * are returned for the moving averages).
 */
export function batchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  relu = false,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  let stats: tf.Tensor1D[] = [];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance] = tf
      .engine()
      .runKernel(FORWARD, { x: xi, gamma: g, beta: b }, { epsilon, relu } as never) as tf.Tensor[];
    save([xi, mean, variance, g, b]);
    stats = [tf.keep(mean) as tf.Tensor1D, tf.keep(variance) as tf.Tensor1D];
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sm, sv, sg, sb] = saved;
        return tf.engine().runKernel(BACKWARD, { dy, x: sx, mean: sm, variance: sv, gamma: sg, beta: sb }, {
          epsilon,
          relu,
        } as never) as tf.Tensor[];
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
 * updated exactly as the stock layer does. A ReLU activation layer right after is fused
 * where bn-relu-fusion.ts says it is safe. Idempotent.
 */
export function patchBatchNormLayer(): void {
  if (patched) return;
  patched = true;
  patchBatchNormReluFusion();
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
    const relu = blocked && reluFollows(this);
    const out = tf.tidy(() => {
      const [y, mean, variance] = batchNormTrain(
        x,
        this.gamma.read() as tf.Tensor1D,
        this.beta.read() as tf.Tensor1D,
        this.epsilon,
        relu,
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
    if (relu) markRectified(out);
    return out;
  };
}
