/**
 * The shipped CNN's convolutions (batch 64) on the relaxed-SIMD kernel (src/core/backend/wasm-simd-conv.ts)
 * against the kernels it replaced (XNNPACK's convolution forward and for the input gradient, im2col +
 * XNNPACK's product for the filter gradient), in alternating rounds in one process, one thread:
 * min/median ms and the GFLOP/s of the min. Plus the rows per filter-gradient call (--rows) and the
 * peak of one core under wasm SIMD128 (independent multiply-adds, no memory), with and without
 * relaxed_madd, as the ceiling both kernels are measured against.
 *
 *   npx tsx bench/gemm.ts [--rounds 5] [--rows 1,2,4,8]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { setSimdConv, setSimdFilterGradRows } from '../src/core/backend/wasm-simd-conv.ts';
import { setSimdMatMul } from '../src/core/backend/wasm-simd-matmul.ts';
import { wasmApi } from '../src/core/wasm-api.ts';
import { assembleWat } from '../scripts/lib/assemble-simd-gemm.ts';
import { loadAverageLine, timeVariants } from './lib/variants.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, rows: { type: 'string', default: '1,2,4,8' } },
});
const rounds = Number(values.rounds);
await initBackend('wasm');

/** [size, in channels, out channels] of the CNN's six 3x3 'same' convolutions. */
const LAYERS: [number, number, number][] = [
  [48, 1, 32],
  [24, 32, 64],
  [24, 64, 64],
  [12, 64, 128],
  [12, 128, 128],
  [6, 128, 256],
];
const N = 64;

/** A kernel run on the wasm backend with the SIMD convolutions on or off. */
function variant(on: boolean, run: () => tf.Tensor): () => void {
  return () => {
    setSimdConv(on);
    setSimdMatMul(on); // else the stock filter gradient's im2col product would run on the same kernel
    tf.tidy(() => void run().dataSync());
  };
}

/** Conv2DBackpropFilter of a 3x3 'same' convolution, as the trainer's tape calls it. */
function filterGradient(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  const filterShape = [3, 3, x.shape[3]!, dy.shape[3]!];
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
}

/** "min/median" strings from timeVariants, as GFLOP/s of the min. */
function gflops(line: string, flop: number): string {
  return line.replace(/(\S+) ([\d.]+)\/([\d.]+)/g, (_, name: string, min: string, med: string) => {
    return `${name} ${min}/${med} ms (${(flop / Number(min) / 1e6).toFixed(0)} GFLOP/s)`;
  });
}

console.log(`wasm, one thread; batch ${N}; ${rounds} rounds; ${loadAverageLine()}`);
for (const [size, ci, co] of LAYERS) {
  const x = tf.randomNormal([N, size, size, ci]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, ci, co]) as tf.Tensor4D;
  const dy = tf.randomNormal([N, size, size, co]) as tf.Tensor4D;
  const flop = 2 * N * size * size * 9 * ci * co;
  const ops: Record<string, () => tf.Tensor> = {
    forward: () => tf.conv2d(x, w, 1, 'same'),
    'filter gradient': () => filterGradient(x, dy),
  };
  // The network never needs the first layer's input gradient (its input is the data).
  if (ci > 1) ops['input gradient'] = () => tf.conv2dTranspose(dy, w, [N, size, size, ci], 1, 'same');
  for (const [op, run] of Object.entries(ops)) {
    const line = timeVariants({ simd: variant(true, run), stock: variant(false, run) }, rounds);
    console.log(`${size}x${size} ${ci}->${co} ${op}: ${gflops(line, flop)}`);
  }
  tf.dispose([x, w, dy]);
}
setSimdConv(true);
setSimdMatMul(true);

const rowCounts = values.rows.split(',').map(Number);
const x = tf.randomNormal([N, 24, 24, 64]);
const dy = tf.randomNormal([N, 24, 24, 64]);
const filterGrad = (rows: number) => () => {
  setSimdFilterGradRows(rows);
  tf.tidy(() => void filterGradient(x, dy).dataSync());
};
console.log(
  `filter gradient 24x24 64->64, output rows per kernel call: ${timeVariants(
    Object.fromEntries(rowCounts.map((r) => [`${r} rows`, filterGrad(r)])),
    rounds,
  )}`,
);
setSimdFilterGradRows(4);
tf.dispose([x, dy]);

/** GFLOP/s of 12 independent accumulators updated 2e7 times: the core's SIMD128 ceiling. */
async function peak(fused: boolean): Promise<number> {
  const acc = Array.from({ length: 12 }, (_, i) => `$a${i}`);
  const update = (a: string) =>
    fused
      ? `(local.set ${a} (f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get ${a})))`
      : `(local.set ${a} (f32x4.add (f32x4.mul (local.get $x) (local.get $y)) (local.get ${a})))`;
  const sum = acc.slice(1).reduce((s, a) => `(f32x4.add ${s} (local.get ${a}))`, '(local.get $a0)');
  const text = `(module (func (export "run") (param $n i32) (result f32)
    (local $x v128) (local $y v128) ${acc.map((a) => `(local ${a} v128)`).join(' ')}
    (local.set $x (f32x4.splat (f32.const 0.999))) (local.set $y (f32x4.splat (f32.const 0.0001)))
    (loop $l ${acc.map(update).join(' ')}
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
    (f32x4.extract_lane 0 ${sum})))`;
  const bytes = await assembleWat('peak.wat', text);
  const run = new wasmApi!.Instance(new wasmApi!.Module(bytes), {}).exports.run as (n: number) => number;
  const iterations = 2e7;
  // Several calls first: V8 compiles a wasm function with its baseline compiler and swaps in the
  // optimised code only for later calls (with one warm-up call, --rounds 1 measured the baseline).
  for (let w = 0; w < 5; w++) run(1e6);
  let best = Infinity;
  for (let r = 0; r < Math.max(3, rounds); r++) {
    const t = performance.now();
    run(iterations);
    best = Math.min(best, performance.now() - t);
  }
  return (iterations * acc.length * 8) / best / 1e6;
}
console.log(
  `one core's SIMD128 peak: ${(await peak(false)).toFixed(0)} GFLOP/s multiply + add, ${(await peak(true)).toFixed(0)} GFLOP/s relaxed_madd`,
);
