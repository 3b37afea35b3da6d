/**
 * The wasm backend's BatchMatMul runs XNNPACK only when neither operand is
 * transposed; with transposeA or transposeB it falls back to a scalar loop that
 * measured 14-23x slower (768x768 @ 768x512: 34 ms plain, 475 ms transB, 790 ms
 * transA; bench/matmul.ts). Every dense or LSTM backward pass asks for exactly
 * those transposed products (dA = dY.B^T, dB = A^T.dY), so this wrapper
 * transposes the operand explicitly (a cheap copy, O(size)) and runs the fast
 * path.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { attr, runComposite, type KernelArgs } from './wasm-composite.ts';

function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(t, perm);
}

function makeKernel(stock: KernelConfig): KernelFunc {
  return ((args: KernelArgs): TensorInfo | TensorInfo[] => {
    const ta = attr<boolean>(args.attrs, 'transposeA');
    const tb = attr<boolean>(args.attrs, 'transposeB');
    if (!ta && !tb) return stock.kernelFunc(args as Parameters<KernelFunc>[0]);
    return runComposite<tf.Tensor>(args, ['a', 'b'], ([a, b]) =>
      tf.tidy(() => tf.matMul(ta ? swapLast(a) : a, tb ? swapLast(b) : b, false, false)));
  }) as KernelFunc;
}

let registered = false;

/** Replaces BatchMatMul on wasm with the transpose-then-XNNPACK version; idempotent; call before setBackend('wasm'). */
export function registerWasmMatMul(): void {
  if (registered) return;
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  if (!stock) return;
  registered = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  // setupFunc binds the stock kernel's wasm export when the backend starts.
  tf.registerKernel({ ...stock, kernelFunc: makeKernel(stock) });
}
