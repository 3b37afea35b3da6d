/**
 * Mean over a contiguous run of axes, on wasm. Batch norm reduces a
 * [N, H, W, C] activation over N, H, W in every training step (moments
 * forward; its gradient's four sums are computed as means, see
 * batch-norm-grad.ts). The stock kernel first transposes the whole tensor so
 * the reduced axes come last, which made these reductions about 13 % of a CNN
 * step (profiled). Seen as [outer, reduced, 1, inner], the mean is XNNPACK's
 * average pooling with a [reduced, 1] window: one pass over memory in order,
 * 2-3 ms instead of 12-65 ms for the CNN's three batch-norm shapes (a
 * JavaScript loop took 6-55 ms; a product with a row of ones pays for
 * repacking its operand every call).
 *
 * Sum stays stock: a sum computed as mean x count is not exact on integers,
 * and accuracy counts are sums of 0/1 values that must come out whole.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { attr, runComposite, type KernelArgs } from './wasm-composite.ts';
import { overrideWasmKernel } from './wasm-heap.ts';

/** [outer, reduced, inner] sizes when `axes` are contiguous, else null. */
export function contiguousSplit(shape: number[], axes: number[]): [number, number, number] | null {
  if (axes.length === 0) return null;
  const sorted = [...axes].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1] + 1) return null;
  const size = (from: number, to: number): number => shape.slice(from, to).reduce((a, b) => a * b, 1);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  return [size(0, first), size(first, last + 1), size(last + 1, shape.length)];
}

function meanKernel(args: KernelArgs): TensorInfo | null {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype !== 'float32' || x.shape.length === 0) return null;
  const axes = tf.util.parseAxisParam(attr<number | number[]>(args.attrs, 'axis'), x.shape);
  const split = contiguousSplit(x.shape, axes);
  if (!split || split[1] === 0 || split[0] * split[2] === 0) return null;
  const [outer, reduced, inner] = split;
  const [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
  const shape = attr<boolean>(args.attrs, 'keepDims') ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  return runComposite<tf.Tensor>(args, ['x'], ([t]) =>
    tf.tidy(() =>
      tf.avgPool(tf.reshape(t, [outer, reduced, 1, inner]) as tf.Tensor4D, [reduced, 1], 1, 'valid').reshape(shape),
    ),
  );
}

/** Replaces Mean on wasm (contiguous axes, float32; the rest stays stock); call before setBackend('wasm'). */
export function registerWasmMean(): void {
  overrideWasmKernel('Mean', meanKernel);
}
