/**
 * The app service on the shipped sample, with the real core: upload -> preprocess
 * -> train (with a busy refusal and a cancel) -> compare -> predict on real photos.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, SessionSnapshot, WireResult } from '../../src/contract/contract.ts';
import { inProcessBackend } from '../../src/app/backend.ts';
import { runtimeOptionsFromEnv } from '../../src/app/runtime-env.ts';
import { haarHelperRunning } from '../../src/core/face/haar-helper.ts';
import { classifyHelperRunning } from '../../src/core/eval/classify-helper.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-app-test-'));
const backend = inProcessBackend({
  dataDir: 'data',
  workDir: path.join(tmp, 'work'),
  uploadsDir: path.join(tmp, 'uploads'),
  pretrainedDir: null,
  // As a shell builds it: vitest.config.ts's FER_TRAIN_WORKERS=1 reaches the training here.
  runtime: runtimeOptionsFromEnv(process.env, { predictThreads: 2 }),
});
const events: AppEvent[] = [];
backend.onEvent((e) => events.push(e));

async function ok<T>(name: string, args: unknown): Promise<T> {
  const r = await backend.request(name, args);
  if (!r.ok) throw new Error(`${name} refused: ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}
const state = () => ok<SessionSnapshot>('getState', {});
const logs = () => events.flatMap((e) => (e.type === 'log' ? [e.text] : []));
const finished = (jobId: string) => events.find((e) => e.type === 'job-finished' && e.jobId === jobId);

async function upload(purpose: 'dataset' | 'photo', files: string[]): Promise<string> {
  const { uploadId } = await ok<{ uploadId: string }>('beginUpload', {
    purpose,
    files: files.map((f) => ({ name: path.basename(f), size: readFileSync(f).length })),
  });
  for (const [i, f] of files.entries()) await backend.uploads.writeFile(uploadId, i, readFileSync(f));
  return uploadId;
}

beforeAll(async () => {
  await backend.service.init();
});
afterAll(async () => {
  await backend.close();
  expect(haarHelperRunning()).toBe(false); // closing the service stops its helper thread
  await rm(tmp, { recursive: true, force: true });
});

describe('AppService', () => {
  it('refuses steps whose prerequisite is missing, and invalid requests', async () => {
    expect(await backend.request('preprocess', { size: 48, pca: null, seed: 1 })).toMatchObject({
      ok: false,
      error: { kind: 'usage', message: 'upload a dataset first' },
    });
    expect(await backend.request('train', { model: 'cnn', epochs: 1, batchSize: 8, learningRate: null })).toMatchObject(
      { ok: false, error: { kind: 'usage' } },
    );
    expect(await backend.request('predict', { uploadId: 'u0123456789abcdef', wholeImage: false })).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
    expect(await backend.request('useSample', { sample: 'nope' })).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
    expect(await backend.request('train', { model: 'cnn' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request' },
    });
    expect((await state()).samples.map((s) => s.id)).toEqual(['paper-format', 'fer2013-csv', 'folders']);
  });

  it('loads an uploaded X/Y pair and narrates it', async () => {
    const dir = '../shared/datasets/samples/paper-format';
    const id = await upload(
      'dataset',
      ['X.txt.npy', 'Y.txt.npy', 'labels.json'].map((f) => path.join(dir, f)),
    );
    const { jobId } = await ok<{ jobId: string }>('loadUpload', { uploadId: id });
    await backend.service.idle();
    expect(finished(jobId)).toMatchObject({ outcome: 'done' });
    const s = await state();
    expect(s.dataset).toMatchObject({
      name: 'X.txt.npy (+ Y.txt.npy, labels.json)',
      count: 700,
      imageShape: [32, 32, 3],
    });
    expect(logs()).toContain('Dataset loaded: X.txt.npy (+ Y.txt.npy, labels.json)');
    // The uploaded copy is removed once the images are in memory.
    await expect.poll(() => readdirSync(path.join(tmp, 'uploads')).includes(id)).toBe(false);
  });

  it('loads the shipped sample and preprocesses it with PCA', async () => {
    await ok('useSample', { sample: 'fer2013-csv' });
    await backend.service.idle();
    expect((await state()).dataset).toMatchObject({
      count: 168,
      name: 'sample data/fer2013-sample.csv',
      splits: { train: 126, validation: 28, test: 14 },
    });
    // 32x32 (the reference application's size) keeps the training steps below quick.
    await ok('preprocess', { size: 32, pca: 0.95, seed: 7 });
    await backend.service.idle();
    const p = (await state()).preprocessed!;
    expect(p.counts).toEqual({ train: 126, validation: 28, test: 14 });
    expect(p.featuresBefore).toBe(2304);
    expect(p.featuresResized).toBe(1024);
    expect(p.featuresAfter).toBeLessThan(2304);
    expect(p.explainedVariance).toBeGreaterThanOrEqual(0.95);
    expect(
      logs().some((l) => /features before PCA: 1024 \(2304 in the data\), after PCA: \d+ components/.test(l)),
    ).toBe(true);
  });

  it('trains the RNN, streaming epochs, refusing other jobs meanwhile', async () => {
    const before = await state();
    const { jobId } = await ok<{ jobId: string }>('train', {
      model: 'rnn',
      epochs: 2,
      batchSize: 64,
      learningRate: null,
    });
    const busy = await backend.request('preprocess', { size: 32, pca: null, seed: 1 });
    expect(busy).toMatchObject({ ok: false, error: { kind: 'busy' } });
    expect((busy as Extract<WireResult, { ok: false }>).error.message).toMatch(/training rnn is still running/);
    expect((await state()).job).toMatchObject({ id: jobId, kind: 'train', model: 'rnn' });
    await backend.service.idle();
    expect(finished(jobId)).toMatchObject({ outcome: 'done' });
    const epochs = events.filter((e) => e.type === 'epoch' && e.jobId === jobId);
    expect(epochs).toHaveLength(2);
    const progress = events.filter((e) => e.type === 'progress' && e.jobId === jobId);
    expect(progress.length).toBeGreaterThan(1);
    // The training stage's progress covers both epochs: it starts at 0, only moves forward, and ends at 1.
    const train = progress.flatMap((p) => (p.type === 'progress' && p.stage === 'train' ? [p.fraction] : []));
    expect(train.length).toBeGreaterThan(2);
    expect(train[0]).toBe(0);
    expect(train.every((f, i) => i === 0 || f >= train[i - 1])).toBe(true);
    expect(train.at(-1)).toBe(1);
    expect(train.some((f) => f > 0.4 && f < 0.9)).toBe(true);
    const s = await state();
    expect(s.preprocessed).toEqual(before.preprocessed);
    expect(s.models.rnn).toMatchObject({ origin: 'trained', slot: 'rnn' });
    expect(s.models.rnn!.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(s.reports.rnn!.n).toBe(s.preprocessed!.counts.test);
    expect(s.reports.rnn!.confusion).toHaveLength(7);
    // Trained models go to the work dir, never the shipped models/ folder.
    expect(readdirSync(path.join(tmp, 'work', 'models')).some((d) => d.startsWith('rnn-'))).toBe(true);
  });

  it('cancels a CNN run by its id and keeps the state consistent', async () => {
    const { jobId } = await ok<{ jobId: string }>('train', {
      model: 'cnn',
      epochs: 5,
      batchSize: 16,
      learningRate: null,
    });
    await expect
      .poll(() => events.some((e) => e.type === 'progress' && e.jobId === jobId && /batch/.test(e.message)), {
        timeout: 60_000,
      })
      .toBe(true);
    expect(await ok('cancel', { jobId: 'j999' })).toEqual({ cancelled: false });
    expect(await ok('cancel', { jobId })).toEqual({ cancelled: true });
    await backend.service.idle();
    expect(finished(jobId)).toMatchObject({ outcome: 'cancelled' });
    const s = await state();
    expect(s.job).toBeNull();
    expect(s.models.cnn).toBeNull();
    expect(logs()).toContain('CNN training stopped before its first epoch finished: the previous CNN is kept');
  });

  it('compares the models on the test split', async () => {
    const { jobId } = await ok<{ jobId: string }>('compare', {});
    await backend.service.idle();
    expect(finished(jobId)).toMatchObject({ outcome: 'done' });
    expect(Object.keys((await state()).reports)).toEqual(['rnn']);
    expect(logs().some((l) => /^RNN test accuracy: [\d.]+ % on the test split/.test(l))).toBe(true);
  });

  it('predicts faces on a photo, and says when there is none', async () => {
    const astronaut = await upload('photo', ['../shared/photos/astronaut.png']);
    const p = await ok<{
      faces: { box: number[]; models: Record<string, { probabilities: Record<string, number> }> }[];
      wholeImage: boolean;
      modelsUsed: Record<string, string>;
    }>('predict', { uploadId: astronaut, wholeImage: false });
    expect(p.faces).toHaveLength(1);
    expect(Object.keys(p.faces[0].models.rnn.probabilities)).toHaveLength(7);
    expect(p.modelsUsed.rnn).toMatch(/RNN trained in this session/);
    const cat = await upload('photo', ['../shared/photos/chelsea.png']);
    expect(await ok('predict', { uploadId: cat, wholeImage: false })).toMatchObject({ faces: [], wholeImage: false });
    expect(await ok('predict', { uploadId: cat, wholeImage: true })).toMatchObject({ faces: [{}], wholeImage: true });
    expect(logs()).toContain('No face found in chelsea.png');
    expect(haarHelperRunning()).toBe(false); // YuNet detects: Haar's helper thread (its own opencv.js) is not started
    await ok('setDetector', { detector: 'haar' });
    expect(haarHelperRunning()).toBe(true); // with Haar, predictThreads: 2 shares the cascade's levels with a helper thread
    // ... and runs a second model on another, unless ONNX Runtime's own threads classify (no helper then)
    expect(classifyHelperRunning()).toBe((await state()).classifiers === null);
  });
});
