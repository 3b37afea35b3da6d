/**
 * Times the wasm filter gradient (Conv2DBackpropFilter) alone for the shipped CNN's layer shapes
 * (batch 64, one thread), per variant of its options (wasm-im2col-filter-grad.ts), in alternating rounds.
 * Times are this process's CPU time (user + system), which other processes' load disturbs less than wall time.
 *
 *   npx tsx scripts/conv-grad-bench.ts [--rounds 5] [--variants nhwc,cm,...] [--layers 0,1 (indexes into the shapes)]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { setFilterGradOptions, type FilterGradOptions } from '../src/core/backend/wasm-im2col-filter-grad.ts';
import { setFilterGradMethod } from '../src/core/backend/wasm-grad-kernels.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, variants: { type: 'string' }, layers: { type: 'string' } },
});
await initBackend('wasm');
const shapes: [number[], number][] = [
  [[64, 48, 48, 1], 32],
  [[64, 24, 24, 32], 64],
  [[64, 24, 24, 64], 64],
  [[64, 12, 12, 64], 128],
  [[64, 12, 12, 128], 128],
  [[64, 6, 6, 128], 256],
];
const all: Record<string, Partial<FilterGradOptions>> = {
  nhwc: { layout: 'nhwc', chunkFloats: 0 },
  cm: { layout: 'cm', chunkFloats: 0 },
  'cm-chunk16k': { layout: 'cm', chunkFloats: 1 << 14, chunkDyFloats: Infinity },
  'cm-chunk64k': { layout: 'cm', chunkFloats: 1 << 16, chunkDyFloats: Infinity },
  'cm-chunk256k': { layout: 'cm', chunkFloats: 1 << 18, chunkDyFloats: Infinity },
  'cm-chunk1m': { layout: 'cm', chunkFloats: 1 << 20, chunkDyFloats: Infinity },
  'cm-chunk1m-dy256k': { layout: 'cm', chunkFloats: 1 << 20, chunkDyFloats: 1 << 18 },
};
const names = values.variants ? values.variants.split(',') : Object.keys(all);
setFilterGradMethod('im2col');
const rounds = Number(values.rounds);
const layers = values.layers ? values.layers.split(',').map(Number) : shapes.map((_, i) => i);
for (const [xs, co] of layers.map((i) => shapes[i])) {
  const x = tf.randomNormal(xs, 0, 1, 'float32', 1);
  const dy = tf.randomNormal([...xs.slice(0, 3), co], 0, 1, 'float32', 2);
  const attrs = {
    strides: 1,
    pad: 'same',
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
    filterShape: [3, 3, xs[3], co],
  };
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds + 1; r++) {
    for (const name of r % 2 ? [...names].reverse() : names) {
      setFilterGradOptions(all[name]);
      // A fresh dy each time, as in training: XNNPACK caches the packed weights of a product by tensor id.
      const fresh = tf.mul(dy, 1);
      fresh.dataSync();
      const t0 = process.cpuUsage();
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: fresh }, attrs as never) as tf.Tensor;
      dw.dataSync();
      const u = process.cpuUsage(t0);
      const t = (u.user + u.system) / 1000;
      tf.dispose([dw, fresh]);
      if (r > 0) times[name].push(t);
    }
  }
  const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
  console.log(
    `x ${JSON.stringify(xs)} co ${co}: ` + names.map((n) => `${n} ${med(times[n]).toFixed(1)}`).join(' | ') + ' ms',
  );
  tf.dispose([x, dy]);
}
console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
