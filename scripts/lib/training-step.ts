/**
 * One training step of the shipped CNN or RNN as the trainer takes it on one thread
 * (shardGradients + Adam), on batch b of FER2013 train, for the scripts that
 * profile or A/B a step. `fill(b)` loads the batch; `run()` is the part worth timing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend/init-backend.ts';
import { parseNpy } from '../../src/core/dataset/npy.ts';
import { buildCnn } from '../../src/core/models/cnn.ts';
import { buildRnn } from '../../src/core/models/rnn.ts';
import { shardGradients, trainableVariables } from '../../src/core/train/parallel/shard-gradients.ts';

export const STEP_BATCH = 64;

export async function trainingStep(kind: 'cnn' | 'rnn'): Promise<{ fill(b: number): void; run(): void }> {
  await initBackend('wasm');
  const data = join(process.cwd(), '../shared/datasets/fer2013');
  const xs = parseNpy(new Uint8Array(readFileSync(join(data, 'train.X.npy'))), 'x').data as Uint8Array;
  const ys = parseNpy(new Uint8Array(readFileSync(join(data, 'train.Y.npy'))), 'y').data as Uint8Array;
  const bs = STEP_BATCH;
  const inputShape = kind === 'cnn' ? [48, 48, 1] : [48, 48];
  const model = kind === 'cnn' ? buildCnn([48, 48, 1], 7) : buildRnn([48, 48], 7);
  const vars = trainableVariables(model);
  const opt = tf.train.adam(1e-3);
  const x = new Float32Array(bs * 2304);
  const y = new Float32Array(bs * 7);
  return {
    fill(b) {
      for (let i = 0; i < bs * 2304; i++) x[i] = xs[b * bs * 2304 + i] / 255;
      y.fill(0);
      for (let i = 0; i < bs; i++) y[i * 7 + ys[b * bs + i]] = 1;
    },
    run() {
      const { grads } = shardGradients(model, vars, inputShape, 7, 'categorical', { x, y, w: null, m: bs });
      opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
      tf.dispose(grads);
    },
  };
}
