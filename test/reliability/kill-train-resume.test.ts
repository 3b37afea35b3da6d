/**
 * `fer train` killed with SIGKILL (no chance to clean up) right after its first epoch: the
 * checkpoint of that epoch is on disk and loads, and `--resume` runs only the remaining epochs
 * and ends with the weights and optimizer state of the same run never killed.
 * On the app's small CSV sample at 24x24, so the whole file takes seconds, not minutes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelDir, loadTrainingState } from '../../src/core/model-io/model-files.ts';
import { jsonLines, runFer } from '../cli/run-fer.ts';

const CSV = path.join(process.cwd(), 'data/fer2013-sample.csv');
let tmp: string;
let pre: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await mkdtemp(path.join(tmpdir(), 'fer-kill-train-'));
  pre = path.join(tmp, 'pre');
  const run = await runFer(['preprocess', '--data', CSV, '--size', '24', '--out', pre, '--json']);
  expect(run.code, run.stderr).toBe(0);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A checkpoint's epoch, then its weights and optimizer slots (with the step count) as plain arrays, in saved order. */
async function checkpointValues(dir: string): Promise<{ epoch: number; tensors: Float32Array[] }> {
  const { model, meta } = await loadModelDir(dir);
  const tensors = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  model.dispose();
  const saved = await loadTrainingState(dir);
  for (const o of saved?.optimizer ?? []) {
    tensors.push(Float32Array.from(o.tensor.dataSync()));
    o.tensor.dispose();
  }
  return { epoch: meta.history.length, tensors };
}

describe('kill -9 during fer train, then --resume', () => {
  it('resumes from the last complete epoch and finishes the run', async () => {
    const out = path.join(tmp, 'rnn');
    const common = [
      'train',
      '--data',
      pre,
      '--model',
      'rnn',
      '--epochs',
      '2',
      '--batch',
      '32',
      '--lr',
      '0.003',
      '--seed',
      '7',
      '--json',
    ];
    const args = [...common, '--out', out];
    let killed = false;
    const first = await runFer(args, {
      onLine: (line, child) => {
        if (!killed && line.includes('"type":"epoch"')) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    });
    expect(first.signal).toBe('SIGKILL');
    expect(
      jsonLines(first)
        .filter((l) => l.type === 'epoch')
        .map((l) => l.epoch),
    ).toEqual([1]);

    // The epoch line comes after its checkpoint is saved: epoch 1 is on disk, complete.
    const checkpoint = path.join(tmp, '.checkpoints', 'rnn');
    const saved = await loadModelDir(checkpoint);
    expect(saved.meta.history.map((h) => h.epoch)).toEqual([1]);
    saved.model.dispose();
    const state = await loadTrainingState(checkpoint);
    expect(state?.state).toMatchObject({ epoch: 1 });
    state?.optimizer.forEach((o) => o.tensor.dispose());

    const resumed = await runFer([...args, '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const lines = jsonLines(resumed);
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([2]);
    expect(lines.at(-1)).toMatchObject({ type: 'done', out, epochs: 2, kind: 'rnn' });

    // The same seeded run never killed ends with the same weights and optimizer state (float rounding aside).
    const whole = path.join(tmp, 'whole');
    const uninterrupted = await runFer([...common, '--out', whole]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const [a, b] = [
      await checkpointValues(checkpoint),
      await checkpointValues(path.join(tmp, '.checkpoints', 'whole')),
    ];
    expect(a.epoch).toBe(2);
    expect(b.epoch).toBe(2);
    expect(a.tensors.map((t) => t.length)).toEqual(b.tensors.map((t) => t.length));
    a.tensors.forEach((t, i) => {
      const scale = b.tensors[i].reduce((m, v) => Math.max(m, Math.abs(v)), 1e-6);
      expect(
        t.reduce((m, v, j) => Math.max(m, Math.abs(v - b.tensors[i][j])), 0) / scale,
        `tensor ${i}`,
      ).toBeLessThanOrEqual(1e-4);
    });
  });
});
