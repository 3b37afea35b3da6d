import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { setFilterGradMethod, setInputGradDirect } from '../../../src/core/backend/wasm-grad-kernels.ts';
import { setFilterGradOptions } from '../../../src/core/backend/wasm-im2col-filter-grad.ts';
import { maxRelDiff, onWasmAndCpu } from './backend-compare.ts';

type Case = {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number | [number, number];
  p: 'same' | 'valid' | number;
};

const cases: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 5], s: 1, p: 'same' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 5], s: 2, p: 'same' },
  { x: [2, 8, 9, 2], f: [5, 3, 2, 4], s: 1, p: 'valid' },
  { x: [1, 6, 6, 1], f: [2, 2, 1, 3], s: 1, p: 'same' },
  { x: [2, 9, 9, 2], f: [3, 3, 2, 2], s: 3, p: 'valid' },
  // Unequal strides. (Numeric padding is left out: the stock wasm *forward* Conv2D
  // corrupts its heap with an explicit pad, an upstream bug outside these kernels.)
  { x: [2, 8, 6, 3], f: [3, 3, 3, 4], s: [2, 1], p: 'same' },
  { x: [2, 8, 6, 3], f: [3, 3, 3, 4], s: [1, 2], p: 'valid' },
  // Stride 1: the input gradient as one 'same'/'valid' convolution (odd kernels), or pad + convolution (even).
  { x: [2, 6, 7, 3], f: [5, 3, 3, 2], s: 1, p: 'same' },
  { x: [2, 5, 5, 2], f: [1, 1, 2, 3], s: 1, p: 'valid' },
  { x: [1, 6, 6, 2], f: [4, 4, 2, 2], s: 1, p: 'same' },
  // Three images: chunks of two leave a remainder; one channel uses x itself as the channel-major copy.
  { x: [3, 6, 5, 2], f: [3, 3, 2, 4], s: 1, p: 'same' },
  { x: [3, 5, 5, 1], f: [3, 3, 1, 3], s: 1, p: 'same' },
  { x: [3, 7, 6, 1], f: [3, 2, 1, 2], s: [2, 1], p: 'valid' },
];

/** Gradients of sum(conv2d(x, w)^2) w.r.t. x and w on the active backend. */
function convGrads(
  xv: Float32Array,
  wv: Float32Array,
  c: Case,
): { dx: Float32Array; dw: Float32Array; leaked: number } {
  const x = tf.tensor4d(xv, c.x);
  const w = tf.tensor4d(wv, c.f);
  const dataIds = () => tf.backend().numDataIds();
  const before = tf.memory().numTensors + dataIds();
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf
      .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.p)
      .square()
      .sum(),
  )([x, w]);
  const out = { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  tf.dispose([dx, dw]);
  // Engine tensors and backend buffers (the im2col kernel allocates and aliases heap memory outside the engine).
  const leaked = tf.memory().numTensors + dataIds() - before;
  tf.dispose([x, w]);
  return { ...out, leaked };
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  // Both filter-gradient methods (im2col + GEMM is the default; the transposed convolution is what the bench compares it with).
  it.each(cases.flatMap((c) => (['im2col', 'conv'] as const).map((method) => ({ ...c, method }))))(
    'conv2d gradients on wasm match the cpu backend: x=$x f=$f s=$s p=$p filter gradient by $method',
    async (c) => {
      setFilterGradMethod(c.method);
      const xv = tf.randomNormal(c.x, 0, 1, 'float32', 7).dataSync() as Float32Array;
      const wv = tf.randomNormal(c.f, 0, 1, 'float32', 11).dataSync() as Float32Array;
      const { wasm, cpu } = await onWasmAndCpu(() => convGrads(xv, wv, c));
      expect(wasm.dx.length).toBe(cpu.dx.length);
      expect(maxRelDiff(wasm.dx, cpu.dx)).toBeLessThan(1e-4);
      expect(maxRelDiff(wasm.dw, cpu.dw)).toBeLessThan(1e-4);
      expect(wasm.leaked).toBe(0);
      setFilterGradMethod('im2col');
    },
  );

  it.each([true, false])('the input gradient matches the cpu backend with the padding shortcut %s', async (direct) => {
    setInputGradDirect(direct);
    for (const c of cases) {
      const xv = tf.randomNormal(c.x, 0, 1, 'float32', 3).dataSync() as Float32Array;
      const wv = tf.randomNormal(c.f, 0, 1, 'float32', 5).dataSync() as Float32Array;
      const { wasm, cpu } = await onWasmAndCpu(() => convGrads(xv, wv, c));
      expect(maxRelDiff(wasm.dx, cpu.dx), JSON.stringify(c)).toBeLessThan(1e-4);
      expect(wasm.leaked).toBe(0);
    }
    setInputGradDirect(true);
  });

  // The im2col filter gradient's variants: the strided gather, channel-major cols in one product, in products of one
  // image, and in products of two images (the last chunk smaller), cut by the size of cols or by the size of dy.
  const variants = [
    { name: 'gather', layout: 'nhwc', images: 0, by: 'cols' },
    { name: 'channel-major', layout: 'cm', images: 0, by: 'cols' },
    { name: 'chunks of 1', layout: 'cm', images: 1, by: 'cols' },
    { name: 'chunks of 2', layout: 'cm', images: 2, by: 'cols' },
    { name: 'chunks of 2 by dy', layout: 'cm', images: 2, by: 'dy' },
  ] as const;
  it.each(variants)('the im2col filter gradient matches the cpu backend: $name', async (v) => {
    const defaults = setFilterGradOptions({});
    try {
      for (const c of cases) {
        const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.p);
        const q = info.outHeight * info.outWidth;
        const cols = v.images * c.f[0] * c.f[1] * c.f[2] * q;
        const dy = v.images * c.f[3] * q;
        setFilterGradOptions(
          v.by === 'cols'
            ? { layout: v.layout, chunkFloats: cols, chunkDyFloats: Infinity }
            : { layout: v.layout, chunkFloats: Infinity, chunkDyFloats: dy },
        );
        const xv = tf.randomNormal(c.x, 0, 1, 'float32', 13).dataSync() as Float32Array;
        const wv = tf.randomNormal(c.f, 0, 1, 'float32', 17).dataSync() as Float32Array;
        const { wasm, cpu } = await onWasmAndCpu(() => convGrads(xv, wv, c));
        expect(maxRelDiff(wasm.dw, cpu.dw), JSON.stringify(c)).toBeLessThan(1e-4);
        expect(wasm.leaked).toBe(0);
      }
    } finally {
      setFilterGradOptions(defaults);
    }
  });

  it("a stride-1 'same' input gradient runs as one convolution, without PadV2 or Slice", async () => {
    const c = cases[0];
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 1);
    const w = tf.randomNormal(c.f, 0, 1, 'float32', 2) as tf.Tensor4D;
    const info = await tf.profile(() =>
      tf.dispose(tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w, 1, 'same').sum())(x)),
    );
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('Conv2DBackpropInput');
    expect(names).not.toContain('PadV2');
    expect(names).not.toContain('Slice');
    tf.dispose([x, w]);
  });

  it("the convolution-gradient kernels registered on wasm are the project's (wasm-grad-kernels.ts), not stock ones", () => {
    // Stock tfjs-backend-wasm has no filter-gradient kernel and its own input-gradient one; the
    // project's are the composites named below.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc.name).toBe('filterGradKernel');
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc.name).toBe('inputGradKernel');
  });
});
