/** Shipped models load at start-up from a private copy: the models/ folder is only ever read. */
import { mkdtempSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FER_CLASSES } from '../../src/core/dataset/types.ts';
import { saveModelDir } from '../../src/core/model-io/model-files.ts';
import type { ModelMeta } from '../../src/core/models/types.ts';
import { loadPretrained } from '../../src/app/pretrained.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fer-pretrained-test-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [4, 4] }), tf.layers.dense({ units: 7, activation: 'softmax' })],
  });
  const meta: ModelMeta = {
    format: 'fer-studio-model',
    version: 1,
    kind: 'rnn',
    classes: [...FER_CLASSES],
    inputShape: [4, 4],
    preprocessing: { size: 4, channels: 1, scale: 1 / 255, pca: null },
    history: [{ epoch: 1, loss: 1.9, accuracy: 0.2, valLoss: 1.9, valAccuracy: 0.25, seconds: 1 }],
    metrics: { bestValAccuracy: 0.25, bestEpoch: 1 },
    backend: 'cpu',
    machine: 'test',
    seconds: 1,
    seed: 1,
    params: 119,
    options: { data: 'FER2013 train' },
    createdAt: '2025-01-01T00:00:00.000Z',
  };
  await saveModelDir(path.join(dir, 'rnn'), model, meta);
  model.dispose();
  mkdirSync(path.join(dir, 'cnn'));
  writeFileSync(path.join(dir, 'cnn', 'model.json'), '{ broken');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadPretrained', () => {
  it('loads what is there, reports what is broken, and leaves the folder untouched', async () => {
    const before = readdirSync(dir, { recursive: true }).map(String).sort();
    const mtime = statSync(path.join(dir, 'rnn')).mtimeMs;
    const loads = await loadPretrained(dir);
    const rnn = loads.find((l) => l.slot === 'rnn')!;
    expect(rnn.model?.summary).toMatchObject({
      origin: 'pretrained',
      slot: 'rnn',
      inputSize: 4,
      description: 'pretrained RNN (models/rnn, FER2013 train, validation accuracy 25.0 %)',
    });
    expect(rnn.model?.summary.history).toHaveLength(1);
    expect(loads.find((l) => l.slot === 'cnn')?.error).toMatch(/not valid JSON/);
    expect(readdirSync(dir, { recursive: true }).map(String).sort()).toEqual(before);
    expect(statSync(path.join(dir, 'rnn')).mtimeMs).toBe(mtime);
    rnn.model?.fer.model.dispose();
  });

  it('finds nothing in an empty folder', async () => {
    expect(await loadPretrained(path.join(dir, 'none'))).toEqual([]);
  });
});
