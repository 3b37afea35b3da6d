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
import type { TensorInfo } from '@tensorflow/tfjs';
import { attr, runComposite, type KernelArgs } from './wasm-composite.ts';
import { overrideWasmKernel } from './wasm-heap.ts';
import { simdBatchMatMul } from './wasm-simd-matmul.ts';

function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(t, perm);
}

/**
 * A.B^T = (B.A^T)^T. When B is the big operand (the LSTM's weights in dA =
 * dY.W^T), transposing the two small ones is cheaper than copying B, and the
 * freshly transposed operand XNNPACK must pack is then the small one: about
 * 2x faster for the RNN's shapes (scratch timing, 64x512 by 768x512).
 */
function timesTransposed(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const m = a.shape[a.rank - 2];
  const n = b.shape[b.rank - 2];
  const batch = a.size / (m * a.shape[a.rank - 1]);
  if (b.size > a.size + batch * m * n) return swapLast(tf.matMul(b, swapLast(a)));
  return tf.matMul(a, swapLast(b));
}

function transposedMatMul(args: KernelArgs): TensorInfo | null {
  const simd = simdBatchMatMul(args);
  if (simd) return simd;
  const ta = attr<boolean>(args.attrs, 'transposeA');
  const tb = attr<boolean>(args.attrs, 'transposeB');
  if (!ta && !tb) return null; // the stock kernel is XNNPACK already
  return runComposite<tf.Tensor>(args, ['a', 'b'], ([a, b]) =>
    tf.tidy(() => {
      if (ta && tb) return swapLast(tf.matMul(b, a)); // A^T.B^T = (B.A)^T: one transpose, of the output
      return ta ? tf.matMul(swapLast(a), b) : timesTransposed(a, b);
    }),
  );
}

/**
 * Replaces BatchMatMul on wasm: the relaxed-SIMD kernel where it applies (wasm-simd-matmul.ts), else
 * the transpose-then-XNNPACK version; idempotent; call before setBackend('wasm').
 */
export function registerWasmMatMul(): void {
  overrideWasmKernel('BatchMatMul', transposedMatMul);
}
