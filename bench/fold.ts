/**
 * What folding batch norm and ReLU into the convolutions buys (folded-forward.ts):
 * the shipped models' forward pass through the folded plan against tfjs-layers'
 * own model.predict, same backend, same inputs, runs alternating; median ms for
 * a face and its mirror image (2 images: what predict classifies) and for an
 * evaluation batch of 256.
 *
 *   npx tsx bench/fold.ts [--runs 20] [--json-out FILE]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { loadFerModel } from '../src/core/model-io/load-fer-model.ts';
import { foldedConvCount, foldedPredict } from '../src/core/models/folded-forward.ts';
import { machineInfo, median, printRows, speedup, writeResult, type BenchRow } from './lib/result.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, 'json-out': { type: 'string' } } });
const runs = Number(values.runs);
const backend = await initBackend(runtimeOptionsFromEnv(process.env).backend); // FER_BACKEND, as the shells read it
console.log(
  `fold: shipped cnn and rnn; backend ${backend}; ${runs} runs; load average ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
);

const time = (f: () => tf.Tensor): number => {
  const t = performance.now();
  const y = f();
  y.dataSync();
  y.dispose();
  return performance.now() - t;
};

const rows: BenchRow[] = [];
for (const kind of ['cnn', 'rnn']) {
  const m = await loadFerModel(`models/${kind}`);
  for (const batch of [2, 256]) {
    const x = tf.randomUniform([batch, ...m.meta.inputShape], 0, 1, 'float32', 1);
    const n = batch > 2 ? Math.max(3, Math.round(runs / 4)) : runs;
    const folded: number[] = [];
    const layers: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      // the first two of each are warm-up
      const f = time(() => tf.tidy(() => foldedPredict(m.model, x)));
      const l = time(() => tf.tidy(() => m.model.predict(x) as tf.Tensor));
      if (i >= 2) {
        folded.push(f);
        layers.push(l);
      }
    }
    x.dispose();
    const ours = median(folded);
    const base = median(layers);
    rows.push({
      name: `fold ${kind}, ${batch} images`,
      unit: 'ms',
      ours,
      baseline: base,
      baselineName: `tfjs-layers model.predict (${backend})`,
      speedup: speedup(ours, base, false),
      target: 'context (a lever of predict and eval)',
      met: null,
      notes: `${foldedConvCount(m.model)} convolutions folded; median of ${n}, alternating`,
    });
  }
  m.model.dispose();
}
printRows(rows);
writeResult({ bench: 'fold', date: new Date().toISOString(), machine: machineInfo(), backend, rows });
