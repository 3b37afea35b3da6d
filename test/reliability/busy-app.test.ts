/**
 * One long job at a time in the app service: while a model trains, a second training (even one
 * sent in the same tick), predict, loading and preprocessing are refused as 'busy' and change
 * nothing; once training ends, the refused actions work and the trained model is intact.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessBackend } from '../../src/app/backend.ts';
import type { AppEvent, SessionSnapshot, WireResult } from '../../src/contract/contract.ts';
import { BAD_IMAGES } from './bad-corpus.ts';
import { saveTinyModel } from './tiny-model.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-busy-'));
const events: AppEvent[] = [];
let backend: ReturnType<typeof inProcessBackend>;

async function ok<T>(name: string, args: unknown): Promise<T> {
  const r = await backend.request(name, args);
  if (!r.ok) throw new Error(`${name} refused: ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}
const state = () => ok<SessionSnapshot>('getState', {});
async function photo(name: string): Promise<string> {
  const data = readFileSync(path.join(BAD_IMAGES, name));
  const { uploadId } = await ok<{ uploadId: string }>('beginUpload', { purpose: 'photo', files: [{ name, size: data.length }] });
  await backend.uploads.writeFile(uploadId, 0, data);
  return uploadId;
}
const isBusy = (r: WireResult) => !r.ok && r.error.kind === 'busy' && /training rnn is still running/.test(r.error.message);

beforeAll(async () => {
  await tf.setBackend('cpu');
  await saveTinyModel(path.join(tmp, 'models', 'cnn'), 1);
  backend = inProcessBackend({ dataDir: 'data', workDir: path.join(tmp, 'work'), uploadsDir: path.join(tmp, 'uploads'), pretrainedDir: path.join(tmp, 'models') });
  backend.onEvent((e) => events.push(e));
  await backend.service.init();
  await ok('useSample', { sample: 'fer2013-csv' });
  await backend.service.idle();
  await ok('preprocess', { size: 24, pca: null, seed: 5 });
  await backend.service.idle();
});
afterAll(async () => {
  await backend.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('training is exclusive', () => {
  it('refuses a second training and every other job while one runs, then works normally', async () => {
    const train = { model: 'rnn', epochs: 2, batchSize: 32, learningRate: null };
    // Two trainings sent in the same tick: exactly one starts.
    const [a, b] = await Promise.all([backend.request('train', train), backend.request('train', { ...train, model: 'cnn' })]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect(a.ok).toBe(true);
    expect(isBusy(b)).toBe(true);
    const { jobId } = (a as Extract<WireResult, { ok: true }>).value as { jobId: string };
    const during = await state();
    expect(during.job).toMatchObject({ id: jobId, kind: 'train', model: 'rnn' });

    const five = await photo('five-faces.jpg');
    for (const [name, args] of [
      ['train', train], ['predict', { uploadId: five, wholeImage: false }], ['useSample', { sample: 'paper-format' }],
      ['preprocess', { size: 16, pca: null, seed: 1 }], ['compare', {}],
    ] as const) {
      const r = await backend.request(name, args);
      expect(isBusy(r), `${name}: ${JSON.stringify(r)}`).toBe(true);
    }
    // Reading the state is never refused, and the refusals changed nothing.
    const still = await state();
    expect(still.job).toMatchObject({ id: jobId });
    expect(still.dataset).toEqual(during.dataset);
    expect(still.preprocessed).toEqual(during.preprocessed);
    expect(still.models).toEqual(during.models);

    await backend.service.idle();
    expect(events.filter((e) => e.type === 'job-started' && e.job.kind === 'train')).toHaveLength(1);
    expect(events.find((e) => e.type === 'job-finished' && e.jobId === jobId)).toMatchObject({ outcome: 'done' });
    const after = await state();
    expect(after.models.rnn?.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(after.models.cnn).toEqual(during.models.cnn);
    // The photo refused during training predicts now, with both models.
    const p = await ok<{ faces: { models: Record<string, unknown> }[] }>('predict', { uploadId: five, wholeImage: false });
    expect(p.faces).toHaveLength(5);
    expect(Object.keys(p.faces[0].models).sort()).toEqual(['cnn', 'rnn']);
  });
});
