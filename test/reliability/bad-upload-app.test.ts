/**
 * Bad files sent to the app service (the backend of the desktop app and web mode) as uploads:
 * each load fails with a message naming the uploaded file, and nothing is lost: the dataset
 * loaded before, its preprocessing and the model all stay, and the service keeps working.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/contract/contract.ts';
import { BAD_DATASETS, BAD_IMAGES } from './bad-corpus.ts';
import { startAppHarness, type AppHarness } from './app-harness.ts';

let h: AppHarness;
let backend: AppHarness['backend'];
let events: AppEvent[];
const ok = <T>(name: string, args: unknown): Promise<T> => h.ok<T>(name, args);
const state = () => h.state();
const upload = (purpose: 'dataset' | 'photo', root: string, names: string[]): Promise<string> =>
  h.upload(purpose, root, names);
/** Every file under `dir`, relative to BAD_DATASETS (a case folder uploaded as the browser sends a folder). */
function filesOf(name: string): string[] {
  const full = path.join(BAD_DATASETS, name);
  if (!statSync(full).isDirectory()) return [name];
  return readdirSync(full, { recursive: true })
    .map(String)
    .filter((f) => statSync(path.join(full, f)).isFile())
    .map((f) => `${name}/${f}`);
}

beforeAll(async () => {
  h = await startAppHarness('fer-bad-upload-');
  ({ backend, events } = h);
});
afterAll(() => h.close());

describe('the app service after bad uploads', () => {
  it('refuses each bad dataset with a message naming the uploaded file, and keeps what was loaded', async () => {
    await ok('useSample', { sample: 'fer2013-csv' });
    await backend.service.idle();
    await ok('preprocess', { size: 24, pca: null, seed: 3 });
    await backend.service.idle();
    const before = await state();
    expect(before.dataset).toMatchObject({ count: 168 });
    expect(before.preprocessed).not.toBeNull();
    expect(before.models.cnn).not.toBeNull();

    const cases: [string, RegExp][] = [
      ['npy-truncated-data', /^npy-truncated-data\/X\.npy: truncated data/],
      ['npy-object-dtype', /^npy-object-dtype\/X\.npy: array holds Python objects/],
      ['npy-length-mismatch', /^npy-length-mismatch\/Y\.npy: 3 labels for 4 images/],
      ['npy-one-hot-soft', /^npy-one-hot-soft\/Y\.npy: row 1 is not one-hot/],
      ['csv-short-row.csv', /^csv-short-row\.csv: line 3: 12 pixel values/],
      ['csv-binary.csv', /^csv-binary\.csv: line 1: the header must name/],
      ['folder-fake-jpg', /^folder-fake-jpg\/happy\/b\.jpg: not an image or unsupported format/],
      ['folder-one-class', /^folder-one-class: a dataset needs at least 2 classes/],
    ];
    for (const [name, message] of cases) {
      const id = await upload('dataset', BAD_DATASETS, filesOf(name));
      const { jobId } = await ok<{ jobId: string }>('loadUpload', { uploadId: id });
      await backend.service.idle();
      const done = events.find((e) => e.type === 'job-finished' && e.jobId === jobId);
      expect(done, name).toMatchObject({ outcome: 'failed' });
      // The user's own file name, not the server's temporary upload path.
      expect(done && done.type === 'job-finished' && done.message, name).toMatch(message);
      expect(
        events.some((e) => e.type === 'log' && e.level === 'error' && message.test(e.text)),
        name,
      ).toBe(true);
    }
    const after = await state();
    expect(after.dataset).toEqual(before.dataset);
    expect(after.preprocessed).toEqual(before.preprocessed);
    expect(after.models).toEqual(before.models);
    expect(after.job).toBeNull();
    expect(JSON.stringify(events)).not.toContain(path.join(h.dir, 'uploads'));
  });

  it('refuses bad photos by name and still predicts afterwards', async () => {
    for (const [name, problem] of [
      ['bomb-20000x20000.png', /above the pixel limit/],
      ['text-named.png', /not an image/],
      ['zero-bytes.png', /empty file/],
    ] as const) {
      const id = await upload('photo', BAD_IMAGES, [name]);
      const r = await backend.request('predict', { uploadId: id, wholeImage: false });
      expect(r).toMatchObject({ ok: false, error: { kind: 'bad-input' } });
      expect(!r.ok && r.error.message).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}: .*${problem.source}`));
    }
    const five = await upload('photo', BAD_IMAGES, ['five-faces.jpg']);
    const p = await ok<{ faces: unknown[] }>('predict', { uploadId: five, wholeImage: false });
    expect(p.faces).toHaveLength(5);
  });

  it('still runs long jobs: preprocessing again works', async () => {
    const { jobId } = await ok<{ jobId: string }>('preprocess', { size: 16, pca: null, seed: 4 });
    await backend.service.idle();
    expect(events.find((e) => e.type === 'job-finished' && e.jobId === jobId)).toMatchObject({ outcome: 'done' });
    expect((await state()).preprocessed).toMatchObject({ featuresResized: 256 });
  });
});
