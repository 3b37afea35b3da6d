/**
 * Child process for the kill-mid-save test: saves the tiny model into <dir> over and over,
 * generation <start>, <start>+1, ..., printing "saved <generation>" after each save returns,
 * until it is killed.   node --import tsx test/reliability/save-loop.ts <dir> <start>
 */
import * as tf from '@tensorflow/tfjs';
import { saveTinyModel } from './tiny-model.ts';

const [dir, startArg] = process.argv.slice(2);
await tf.setBackend('cpu');
for (let g = Number(startArg); ; g++) {
  await saveTinyModel(dir, g);
  process.stdout.write(`saved ${g}\n`);
}
