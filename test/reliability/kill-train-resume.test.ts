/**
 * `fer train` killed with SIGKILL (no chance to clean up) right after its first epoch: the
 * checkpoint of that epoch is on disk and loads, and `--resume` runs only the remaining epochs.
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

describe('kill -9 during fer train, then --resume', () => {
  it('resumes from the last complete epoch and finishes the run', async () => {
    const out = path.join(tmp, 'rnn');
    const args = ['train', '--data', pre, '--model', 'rnn', '--epochs', '3', '--batch', '32', '--lr', '0.003', '--seed', '7', '--out', out, '--json'];
    let killed = false;
    const first = await runFer(args, {
      onLine: (line, child) => {
        if (!killed && line.includes('"type":"epoch"')) { killed = true; child.kill('SIGKILL'); }
      },
    });
    expect(first.signal).toBe('SIGKILL');
    expect(jsonLines(first).filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([1]);

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
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([2, 3]);
    expect(lines.at(-1)).toMatchObject({ type: 'done', out, epochs: 3, kind: 'rnn' });
    const final = await loadModelDir(out);
    expect(final.meta.history.length).toBeGreaterThanOrEqual(1);
    final.model.dispose();
  });
});
