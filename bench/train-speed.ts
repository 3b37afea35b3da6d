/**
 * Training throughput of the shipped architectures on a fixed slice of FER2013
 * train (batch 64, one epoch after a warm-up batch), on the backend FER Studio
 * picks. Prints images/second per model.
 *
 *   npx tsx bench/train-speed.ts [--images 4096] [--models cnn,rnn]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { buildCnn } from '../src/core/models/cnn.ts';
import { buildRnn } from '../src/core/models/rnn.ts';
import { imageSource } from '../src/core/train/batch-source.ts';
import { DEFAULT_AUGMENT } from '../src/core/train/batches.ts';
import { trainModel } from '../src/core/train/trainer.ts';

const { values } = parseArgs({ options: { images: { type: 'string', default: '4096' }, models: { type: 'string', default: 'cnn,rnn' } } });
const n = Number(values.images);
const backend = await initBackend();
const x = parseNpy(new Uint8Array(await fs.readFile('../shared/datasets/fer2013/train.X.npy')), 'train.X.npy');
const y = parseNpy(new Uint8Array(await fs.readFile('../shared/datasets/fer2013/train.Y.npy')), 'train.Y.npy');
const images = (x.data as Uint8Array).subarray(0, n * 2304);
const labels = Uint8Array.from(y.data as Uint8Array).subarray(0, n);
console.log(`backend ${backend}; ${n} images; batch 64; ${os.cpus().length} cores (${os.cpus()[0]?.model}); load average ${os.loadavg()[0].toFixed(1)}`);
for (const kind of values.models!.split(',')) {
  let first = 0;
  let start = 0;
  let end = 0;
  const result = await trainModel({
    build: () => (kind === 'cnn' ? buildCnn([48, 48, 1], 7) : buildRnn([48, 48], 7)),
    inputShape: kind === 'cnn' ? [48, 48, 1] : [48, 48],
    train: imageSource(images, labels, 48, DEFAULT_AUGMENT), validation: null,
    config: { epochs: 1, batchSize: 64, learningRate: 1e-3, schedule: 'constant', seed: 1, labelSmoothing: 0.1, classWeights: true, loss: 'categorical' },
    meta: { kind: kind as 'cnn' | 'rnn', classes: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], preprocessing: { size: 48, channels: 1, scale: 1 / 255, pca: null }, options: {}, backend },
    // The first batch includes one-off kernel setup; time from its end.
    // Timed from the end of batch 1 to the end of the last batch (not the epoch's
    // batch-norm recalibration, which is inference).
    onBatch: (b) => {
      if (b.batch === 1) { start = performance.now(); first = 64; }
      end = performance.now();
    },
  });
  const seconds = (end - start) / 1000;
  console.log(`train-${kind}: ${((n - first) / seconds).toFixed(1)} img/s (${result.model.countParams().toLocaleString('en')} parameters)`);
  result.model.dispose();
}
