/**
 * One long job at a time in the app service: while a model trains, a second training (even one
 * sent in the same tick), predict, loading and preprocessing are refused as 'busy' and change
 * nothing; once training ends, the refused actions work and the trained model is intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, WireResult } from '../../src/contract/contract.ts';
import { BAD_IMAGES } from './bad-corpus.ts';
import { startAppHarness, type AppHarness } from './app-harness.ts';

let h: AppHarness;
let backend: AppHarness['backend'];
let events: AppEvent[];
const ok = <T>(name: string, args: unknown): Promise<T> => h.ok<T>(name, args);
const state = () => h.state();
const photo = (name: string): Promise<string> => h.upload('photo', BAD_IMAGES, [name]);
const isBusy = (r: WireResult) =>
  !r.ok && r.error.kind === 'busy' && /training rnn is still running/.test(r.error.message);

beforeAll(async () => {
  h = await startAppHarness('fer-busy-');
  ({ backend, events } = h);
  await ok('useSample', { sample: 'fer2013-csv' });
  await backend.service.idle();
  await ok('preprocess', { size: 24, pca: null, seed: 5 });
  await backend.service.idle();
});
afterAll(() => h.close());

describe('training is exclusive', () => {
  it('refuses a second training and every other job while one runs, then works normally', async () => {
    const train = { model: 'rnn', epochs: 2, batchSize: 32, learningRate: null };
    // Two trainings sent in the same tick: exactly one starts.
    const [a, b] = await Promise.all([
      backend.request('train', train),
      backend.request('train', { ...train, model: 'cnn' }),
    ]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect(a.ok).toBe(true);
    expect(isBusy(b)).toBe(true);
    const { jobId } = (a as Extract<WireResult, { ok: true }>).value as { jobId: string };
    const during = await state();
    expect(during.job).toMatchObject({ id: jobId, kind: 'train', model: 'rnn' });

    const five = await photo('five-faces.jpg');
    for (const [name, args] of [
      ['train', train],
      ['predict', { uploadId: five, wholeImage: false }],
      ['useSample', { sample: 'paper-format' }],
      ['preprocess', { size: 16, pca: null, seed: 1 }],
      ['compare', {}],
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
    const p = await ok<{ faces: { models: Record<string, unknown> }[] }>('predict', {
      uploadId: five,
      wholeImage: false,
    });
    expect(p.faces).toHaveLength(5);
    expect(Object.keys(p.faces[0].models).sort()).toEqual(['cnn', 'rnn']);
  });
});
