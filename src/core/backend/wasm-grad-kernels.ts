/**
 * Training kernels for @tensorflow/tfjs-backend-wasm 4.22:
 * - Conv2DBackpropFilter is not registered at all (upstream tensorflow/tfjs#8474),
 *   so a Conv2D layer cannot be trained on wasm without it;
 * - Conv2DBackpropInput is registered but is a scalar loop ~12x slower than the
 *   forward XNNPACK convolution (measured in bench/), so for stride 1 it is
 *   replaced by the equivalent forward convolution.
 * Both are expressed through ops the wasm backend runs fast (pad, transpose,
 * reverse, XNNPACK conv2d); tests prove them against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface WasmLikeBackend {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: 'float32', offset?: number, values?: Float32Array): TensorInfo;
}
interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: unknown;
  attrs?: NamedAttrMap;
}

/**
 * dW[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh*s+kh-pt, ow*s+kw-pl, ci] * dy[n,oh,ow,co].
 * Swapping the roles of batch and channels turns this sum into one ordinary
 * convolution: input x as [Ci, H, W, N], filter dy as [OH, OW, N, Co], dilated by
 * the forward stride. Its output [Ci, KH', KW', Co] is cropped to the kernel size.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number],
  strides: number | [number, number], pad: Pad, dimRoundingMode?: Rounding,
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { top, bottom, left, right } = info.padInfo;
  const [kh, kw, ci, co] = filterShape;
  return tf.tidy(() => {
    const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    const cropped = full.shape[1] === kh && full.shape[2] === kw ? full : tf.slice(full, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

/**
 * For stride 1, dx = correlation of dy (padded by kh-1-top / H-OH+top rows) with
 * the kernel flipped in space and with in/out channels swapped. Returns null when
 * the geometry is not covered (strides > 1), so the caller keeps the stock kernel.
 */
export function conv2dInputGrad(
  dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: [number, number, number, number],
  strides: number | [number, number], pad: Pad, dimRoundingMode?: Rounding,
): tf.Tensor4D | null {
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return null;
  const [kh, kw] = filter.shape;
  const [, h, w] = inputShape;
  const { top, left } = info.padInfo;
  const pads: [number, number][] = [[0, 0], [kh - 1 - top, h - info.outHeight + top], [kw - 1 - left, w - info.outWidth + left], [0, 0]];
  if (pads.some(([a, b]) => a < 0 || b < 0)) return null;
  return tf.tidy(() => {
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(tf.pad(dy, pads), flipped, 1, 'valid');
  });
}

/** Runs `compute` on tensors that wrap the kernel's inputs, and copies the result into backend-owned storage. */
function runComposite(args: KernelArgs, names: string[], compute: (ts: tf.Tensor4D[]) => tf.Tensor | null): TensorInfo | null {
  const backend = args.backend as WasmLikeBackend;
  const wrapped = names.map((n) => {
    const info = args.inputs[n] as TensorInfo;
    // The wrapper is disposed below; the extra reference keeps the input alive.
    backend.incRef(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
  });
  try {
    const result = compute(wrapped);
    if (!result) return null;
    const values = result.dataSync() as Float32Array;
    const out = backend.makeOutput(result.shape.slice(), 'float32', undefined, values);
    result.dispose();
    return out;
  } finally {
    wrapped.forEach((t) => t.dispose());
  }
}

function attr<T>(attrs: NamedAttrMap | undefined, name: string): T {
  return (attrs ?? {})[name] as unknown as T;
}

function filterGradKernel(args: KernelArgs): TensorInfo {
  const a = args.attrs;
  const out = runComposite(args, ['x', 'dy'], ([x, dy]) =>
    conv2dFilterGrad(x, dy, attr(a, 'filterShape'), attr(a, 'strides'), attr(a, 'pad'), attr(a, 'dimRoundingMode')));
  return out as TensorInfo;
}

function makeInputGradKernel(stock: KernelFunc | undefined): KernelFunc {
  return ((args: KernelArgs) => {
    const a = args.attrs;
    const out = runComposite(args, ['dy', 'filter'], ([dy, filter]) =>
      conv2dInputGrad(dy, filter, attr(a, 'inputShape'), attr(a, 'strides'), attr(a, 'pad'), attr(a, 'dimRoundingMode')));
    if (out) return out;
    if (!stock) throw new Error('Conv2DBackpropInput: unsupported geometry on wasm');
    return stock(args as Parameters<KernelFunc>[0]);
  }) as KernelFunc;
}

let registered = false;

/** Registers (or replaces) the training kernels on the wasm backend; idempotent. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: filterGradKernel as unknown as KernelFunc });
  }
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (stock) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  const replacement: KernelConfig = {
    kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: makeInputGradKernel(stock?.kernelFunc),
    setupFunc: stock?.setupFunc, disposeFunc: stock?.disposeFunc,
  };
  tf.registerKernel(replacement);
}
