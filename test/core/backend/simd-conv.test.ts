import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { SIMD_GEMM_BASE64 } from '../../../src/core/backend/simd-gemm-binary.ts';
import { simdGemmFor } from '../../../src/core/backend/simd-gemm.ts';
import {
  setSimdFilterGradRows,
  simdConv2D,
  simdConv2DFilterGrad,
  simdConv2DInputGrad,
} from '../../../src/core/backend/wasm-simd-conv.ts';
import { wasmApi } from '../../../src/core/wasm-api.ts';
import { mulberry32 } from '../../../src/core/random.ts';
import { assembleSimdGemm } from '../../../scripts/lib/assemble-simd-gemm.ts';
import { maxRelDiff } from './backend-compare.ts';

/** n values in [-1, 1) from the project's seeded generator. */
function random(n: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: n }, () => 2 * rng() - 1);
}

describe('the relaxed-SIMD matrix kernel', () => {
  it('is the assembled text of simd-gemm-wat.ts (rerun scripts/build-simd-gemm.ts when this fails)', async () => {
    expect(Buffer.from(await assembleSimdGemm()).toString('base64')).toBe(SIMD_GEMM_BASE64);
  });

  // Row counts that use every tile (6, 3 and 1 rows), strides that overlap or transpose A,
  // segments, accumulate and overwrite, B row-major and packed in panels of 8.
  const cases = [
    { m: 1, n: 8, k: 1, segs: 1 },
    { m: 13, n: 16, k: 5, segs: 3 },
    { m: 6, n: 24, k: 7, segs: 2 },
    { m: 10, n: 8, k: 9, segs: 4 },
  ];
  it.each(cases)('computes C (+)= A.B for m $m n $n k $k segs $segs', ({ m, n, k, segs }) => {
    const memory = new wasmApi!.Memory({ initial: 16 });
    const gemm = simdGemmFor(memory);
    expect(gemm).not.toBeNull();
    const heap = new Float32Array(memory.buffer);
    heap.set(random(heap.length / 2, m * 31 + k));
    for (const [ars, aks] of [
      [k + 2, 1],
      [1, m + 1],
      [3, 1], // rows overlap, as a convolution's windows do
    ]) {
      for (const packed of [false, true]) {
        for (const acc of [0, 1]) {
          const asg = 4 * m * k + 17;
          const [a, b, c] = [64, 40_000, 80_000]; // float indices
          const ldb = packed ? 8 : n + 3;
          const bps = packed ? segs * k * 8 : 8;
          const before = heap.slice(c, c + m * (n + 5));
          gemm!(a * 4, ars, aks, asg, segs, b * 4, ldb, bps, c * 4, n + 5, m, n, k, acc);
          for (let r = 0; r < m; r++)
            for (let j = 0; j < n; j++) {
              let want = acc ? before[r * (n + 5) + j] : 0;
              for (let s = 0; s < segs; s++)
                for (let t = 0; t < k; t++) {
                  const q = s * k + t;
                  const bAt = b + Math.floor(j / 8) * bps + q * ldb + (j % 8);
                  want += heap[a + r * ars + s * asg + t * aks] * heap[bAt];
                }
              expect(Math.abs(heap[c + r * (n + 5) + j] - want)).toBeLessThan(1e-4 * (1 + Math.abs(want)));
            }
          // Columns past n are left alone.
          for (let r = 0; r < m; r++)
            for (let j = n; j < n + 5; j++) expect(heap[c + r * (n + 5) + j]).toBe(before[r * (n + 5) + j]);
        }
      }
    }
  });
});

describe('the relaxed-SIMD matrix kernel with nothing to do', () => {
  it('returns at once and leaves C as it was when n, k or segs is 0', () => {
    const memory = new wasmApi!.Memory({ initial: 1 });
    const gemm = simdGemmFor(memory)!;
    const heap = new Float32Array(memory.buffer);
    heap.fill(7);
    for (const [n, k, segs] of [
      [0, 4, 1],
      [8, 0, 1],
      [8, 4, 0],
    ]) {
      gemm(0, 4, 1, 0, segs, 1024, 8, 8, 2048, 8, 6, n, k, 0);
      expect(heap.every((v) => v === 7)).toBe(true);
    }
  });
});

type Case = {
  x: [number, number, number, number];
  f: [number, number, number, number];
  pad: 'same' | 'valid' | number;
};

// The CNN's 3x3 'same' layers, a row width that uses all three tile heights, even and non-square
// kernels (uneven padding), 1x1, explicit padding and one input channel (the first layer).
const cases: Case[] = [
  { x: [2, 7, 7, 8], f: [3, 3, 8, 8], pad: 'same' },
  { x: [2, 9, 13, 16], f: [3, 3, 16, 24], pad: 'same' },
  { x: [1, 8, 9, 8], f: [5, 3, 8, 16], pad: 'valid' },
  { x: [2, 6, 6, 8], f: [2, 2, 8, 16], pad: 'same' },
  { x: [3, 5, 4, 16], f: [1, 1, 16, 8], pad: 'valid' },
  { x: [2, 6, 5, 8], f: [3, 3, 8, 8], pad: 1 },
  { x: [2, 10, 10, 1], f: [3, 3, 1, 32], pad: 'same' },
];

type Kernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

/** The kernel's inputs and attributes as tfjs passes them for `c`. */
function kernelCall(kernel: Kernel, c: Case): { inputs: Record<string, tf.Tensor>; attrs: NamedAttrMap } {
  const [n, h, w] = c.x;
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, 1, 1, c.pad);
  const x = tf.tensor4d(
    random(
      c.x.reduce((a, b) => a * b),
      1,
    ),
    c.x,
  );
  const filter = tf.tensor4d(
    random(
      c.f.reduce((a, b) => a * b),
      2,
    ),
    c.f,
  );
  const dy = tf.tensor4d(random(n * info.outHeight * info.outWidth * c.f[3], 3), [
    n,
    info.outHeight,
    info.outWidth,
    c.f[3],
  ]);
  const attrs: NamedAttrMap = { strides: 1, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
  if (kernel === 'Conv2D') return { inputs: { x, filter }, attrs };
  if (kernel === 'Conv2DBackpropInput')
    return { inputs: { dy, filter }, attrs: { ...attrs, inputShape: [n, h, w, c.x[3]] } };
  return { inputs: { x, dy }, attrs: { ...attrs, filterShape: c.f } };
}

/** The stock cpu backend's answer. */
async function onCpu(kernel: Kernel, c: Case): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const { inputs, attrs } = kernelCall(kernel, c);
  const out = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;
  const values = out.dataSync() as Float32Array;
  tf.dispose([out, ...Object.values(inputs)]);
  await tf.setBackend('wasm');
  return values;
}

/** FER Studio's kernel called directly on wasm: its values (null if it declined) and buffers it leaked. */
function simd(kernel: Kernel, c: Case): { values: Float32Array | null; leaked: number } {
  const { inputs, attrs } = kernelCall(kernel, c);
  const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
  const before = backend.numDataIds();
  const args = { inputs: inputs as Record<string, TensorInfo>, backend, attrs };
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, 1, 1, c.pad);
  const out =
    kernel === 'Conv2D'
      ? simdConv2D(args)
      : kernel === 'Conv2DBackpropInput'
        ? simdConv2DInputGrad(args)
        : simdConv2DFilterGrad(args, info);
  const leaked = backend.numDataIds() - before - (out ? 1 : 0);
  let values: Float32Array | null = null;
  if (out) {
    const t = tf.engine().makeTensorFromTensorInfo(out);
    values = t.dataSync() as Float32Array;
    t.dispose();
  }
  tf.dispose(Object.values(inputs));
  return { values, leaked };
}

describe('convolutions on the relaxed-SIMD kernel', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  for (const kernel of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const) {
    it.each(cases)(`${kernel} matches the cpu backend: x $x filter $f pad $pad`, async (c) => {
      // The input gradient's output channels are the layer's input channels: one channel stays on the stock kernel.
      const declines = kernel === 'Conv2DBackpropInput' && c.x[3] % 8 !== 0;
      const got = simd(kernel, c);
      expect(got.leaked).toBe(0);
      if (declines) {
        expect(got.values).toBeNull();
        return;
      }
      expect(got.values).not.toBeNull();
      expect(maxRelDiff(got.values!, await onCpu(kernel, c))).toBeLessThan(2e-5);
    });
  }

  it('sums the filter gradient the same whatever the rows per call', async () => {
    const c = cases[1];
    const want = await onCpu('Conv2DBackpropFilter', c);
    for (const rows of [1, 2, 5, 100]) {
      setSimdFilterGradRows(rows);
      expect(maxRelDiff(simd('Conv2DBackpropFilter', c).values!, want)).toBeLessThan(2e-5);
    }
    setSimdFilterGradRows(4);
  });

  it('leaves strides, dilations and output channels off the tile width to the stock kernels', () => {
    const c: Case = { x: [1, 8, 8, 8], f: [3, 3, 8, 8], pad: 'same' };
    const { inputs, attrs } = kernelCall('Conv2D', c);
    const backend = tf.backend();
    for (const extra of [{ strides: 2 }, { dilations: 2 }] as NamedAttrMap[]) {
      expect(
        simdConv2D({ inputs: inputs as Record<string, TensorInfo>, backend, attrs: { ...attrs, ...extra } }),
      ).toBeNull();
    }
    tf.dispose(Object.values(inputs));
    expect(simd('Conv2D', { x: [1, 6, 6, 8], f: [3, 3, 8, 5], pad: 'same' }).values).toBeNull();
  });
});
