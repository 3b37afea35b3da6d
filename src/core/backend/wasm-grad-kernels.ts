/**
 * Training kernels for @tensorflow/tfjs-backend-wasm 4.22:
 * - Conv2DBackpropFilter is not registered at all (upstream tensorflow/tfjs#8474),
 *   so a Conv2D layer cannot be trained on wasm without it;
 * - Conv2DBackpropInput is registered but is a scalar loop ~12x slower than the
 *   forward XNNPACK convolution (measured in bench/), and crashes for unequal
 *   strides, so it is replaced by the equivalent forward convolution.
 * Both are expressed through ops the wasm backend runs fast (pad, transpose,
 * reverse, XNNPACK conv2d); the filter gradient runs as im2col + XNNPACK's matrix
 * product (wasm-im2col-filter-grad.ts), with the transposed convolution below kept
 * for the bench's comparison and non-float32 inputs. Tests prove both against the
 * cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { attr, runComposite, type KernelArgs } from './wasm-composite.ts';
import { im2colFilterGrad } from './wasm-im2col-filter-grad.ts';
import { simdConv2DFilterGrad, simdConv2DInputGrad } from './wasm-simd-conv.ts';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/**
 * dW[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh*s+kh-pt, ow*s+kw-pl, ci] * dy[n,oh,ow,co].
 * Swapping the roles of batch and channels turns this sum into one ordinary
 * convolution: input x as [Ci, H, W, N], filter dy as [OH, OW, N, Co], dilated by
 * the forward stride. Its output [Ci, KH', KW', Co] is cropped to the kernel size.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: Rounding,
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { top, bottom, left, right } = info.padInfo;
  const [kh, kw, ci, co] = filterShape;
  return tf.tidy(() => {
    const xp =
      top || bottom || left || right
        ? tf.pad(x, [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ])
        : x;
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    const cropped =
      full.shape[1] === kh && full.shape[2] === kw ? full : tf.slice(full, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

/**
 * dx is the transposed convolution: dy, dilated by the stride (zeros between
 * rows/columns), padded by kh-1-top before and whatever completes the input size
 * after, correlated with the kernel flipped in space and with in/out channels
 * swapped. The stock wasm kernel is a scalar loop, and crashes with
 * "memory access out of bounds" for unequal strides (e.g. [2, 1]).
 */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: Rounding,
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [kh, kw] = filter.shape;
  const [, h, w] = inputShape;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  return tf.tidy(() => {
    const dilated = dilate(dy, sh, sw);
    const [, dh, dw] = dilated.shape;
    const before = [kh - 1 - top, kw - 1 - left];
    const after = [h + kh - 1 - dh - before[0], w + kw - 1 - dw - before[1]];
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    // The usual case (stride 1, odd kernel, 'same' or 'valid' forward): padding that the
    // convolution's own 'same'/'valid' gives, so XNNPACK pads on the fly (no PadV2 copy).
    if (inputGradDirect && sh === 1 && sw === 1) {
      if (before.every((v) => v === 0) && after.every((v) => v === 0)) return tf.conv2d(dy, flipped, 1, 'valid');
      const same = tf.backend_util.computeConv2DInfo(dy.shape, flipped.shape, 1, 1, 'same').padInfo;
      if (same.top === before[0] && same.bottom === after[0] && same.left === before[1] && same.right === after[1])
        return tf.conv2d(dy, flipped, 1, 'same');
    }
    // Negative amounts mean "crop": pad with the positive part, then slice.
    const padded = tf.pad(dilated, [
      [0, 0],
      [Math.max(0, before[0]), Math.max(0, after[0])],
      [Math.max(0, before[1]), Math.max(0, after[1])],
      [0, 0],
    ]);
    const crop = !inputGradDirect || before[0] < 0 || before[1] < 0 || after[0] < 0 || after[1] < 0;
    const cropped = crop
      ? tf.slice(padded, [0, Math.max(0, -before[0]), Math.max(0, -before[1]), 0], [-1, h + kh - 1, w + kw - 1, -1])
      : padded;
    return tf.conv2d(cropped as tf.Tensor4D, flipped, 1, 'valid');
  });
}

/** Whether the input gradient skips PadV2/Slice where the convolution's own padding does (bench/train.ts --ab input-grad-pad). */
let inputGradDirect = true;

/** Switches the padding shortcut of the wasm input gradient on this thread; for the bench's same-run comparison. */
export function setInputGradDirect(on: boolean): void {
  inputGradDirect = on;
}

/** Inserts (s-1) zero rows/columns between the rows/columns of x. */
function dilate(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, oh, ow, c] = x.shape;
  const spread = tf.pad(tf.reshape(x, [n, oh, 1, ow, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.slice(
    tf.reshape(spread, [n, oh * sh, ow * sw, c]) as tf.Tensor4D,
    [0, 0, 0, 0],
    [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c],
  );
}

/** Which filter gradient runs: im2col + GEMM (default), or the transposed convolution (bench/train.ts --ab filter-grad measures both). */
let filterGradMethod: 'im2col' | 'conv' = 'im2col';

/** Switches the wasm filter-gradient method on this thread; for the bench's same-run comparison. */
export function setFilterGradMethod(method: 'im2col' | 'conv'): void {
  filterGradMethod = method;
}

function filterGradKernel(args: KernelArgs): TensorInfo {
  const a = args.attrs;
  if (filterGradMethod === 'im2col') {
    const x = args.inputs.x as TensorInfo;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attr(a, 'filterShape'),
      attr(a, 'strides'),
      1,
      attr(a, 'pad'),
      attr(a, 'dimRoundingMode'),
      false,
      'channelsLast',
    );
    const fast = simdConv2DFilterGrad(args, info) ?? im2colFilterGrad(args, info);
    if (fast) return fast;
  }
  return runComposite(args, ['x', 'dy'], ([x, dy]) =>
    conv2dFilterGrad(x, dy, attr(a, 'filterShape'), attr(a, 'strides'), attr(a, 'pad'), attr(a, 'dimRoundingMode')),
  );
}

/**
 * runComposite without its copy of the result: the output is the result's own storage (one more
 * reference, taken before the wrapper is disposed, as the wasm Reshape kernel does). dx is as big as
 * the layer's input, so the copy cost a full pass per call.
 */
function runCompositeNoCopy(args: KernelArgs, names: string[], compute: (ts: tf.Tensor4D[]) => tf.Tensor): TensorInfo {
  const backend = args.backend as { incRef(dataId: object): void };
  const wrapped = names.map((n) => {
    const info = args.inputs[n] as TensorInfo;
    backend.incRef(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
  });
  try {
    const result = compute(wrapped);
    backend.incRef(result.dataId);
    const out = { dataId: result.dataId, shape: result.shape.slice(), dtype: result.dtype };
    result.dispose();
    return out;
  } finally {
    wrapped.forEach((t) => t.dispose());
  }
}

function inputGradKernel(args: KernelArgs): TensorInfo {
  const fast = simdConv2DInputGrad(args);
  if (fast) return fast;
  const a = args.attrs;
  const run = inputGradDirect ? runCompositeNoCopy : runComposite;
  return run(args, ['dy', 'filter'], ([dy, filter]) =>
    conv2dInputGrad(dy, filter, attr(a, 'inputShape'), attr(a, 'strides'), attr(a, 'pad'), attr(a, 'dimRoundingMode')),
  );
}

let registered = false;

/** Registers the filter-gradient kernel and replaces the stock input-gradient one on wasm; idempotent. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of [
    ['Conv2DBackpropFilter', filterGradKernel],
    ['Conv2DBackpropInput', inputGradKernel],
  ] as const) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc });
  }
}
