/**
 * One Adam update of the shipped CNN's or RNN's trainable weights (random gradients), tfjs'
 * optimizer against the fused one (src/core/train/fused-adam.ts), alternating in one process;
 * min/median ms per update. The trainer-level effect is bench/train.ts --ab adam.
 *
 *   npx tsx bench/adam.ts [--rounds 15]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { buildCnn } from '../src/core/models/cnn.ts';
import { buildRnn } from '../src/core/models/rnn.ts';
import { createAdam, setAdamFused } from '../src/core/train/fused-adam.ts';
import { trainableVariables } from '../src/core/train/parallel/shard-gradients.ts';
import { loadAverageLine, timeVariants } from './lib/variants.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
await initBackend('wasm');
for (const [kind, model] of [
  ['cnn', buildCnn([48, 48, 1], 7)],
  ['rnn', buildRnn([48, 48], 7)],
] as const) {
  const vars = trainableVariables(model);
  const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.randomNormal(v.shape, 0, 1e-3, 'float32', i + 1) }));
  const optimizer = (fused: boolean) => {
    setAdamFused(fused);
    return createAdam(1e-3);
  };
  const [stock, fused] = [optimizer(false), optimizer(true)];
  const params = vars.reduce((s, v) => s + v.size, 0);
  const line = timeVariants(
    { "tfjs' Adam": () => stock.applyGradients(grads), 'fused Adam': () => fused.applyGradients(grads) },
    Number(values.rounds),
  );
  console.log(`${kind} (${vars.length} variables, ${params} weights) ms per update (min/median): ${line}`);
}
console.log(loadAverageLine());
