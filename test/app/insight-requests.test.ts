/**
 * The picture requests on the real app service: the shipped CNN and RNN measured on
 * the FER2013 sample's test split, then a confusion cell's gallery page, sample faces
 * per class, PCA pictures and the exported report. The paper preset's "PCA keeps
 * 100 %" is checked on its own data through core preprocessing.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AppEvent,
  DatasetSamplesResult,
  GalleryPageResult,
  PcaPicturesResult,
  SessionSnapshot,
  ExportedReport,
} from '../../src/contract/contract.ts';
import { inProcessBackend } from '../../src/app/backend.ts';
import { runtimeOptionsFromEnv } from '../../src/app/runtime-env.ts';
import { loadDataset } from '../../src/core/dataset/load-dataset.ts';
import { decodePlainPng } from '../../src/core/image/plain-png.ts';
import { channelsAreCopies } from '../../src/core/preprocess/eigenfaces.ts';
import { preprocessDataset } from '../../src/core/preprocess/preprocess.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-insight-'));
const backend = inProcessBackend({
  dataDir: 'data',
  workDir: path.join(tmp, 'work'),
  uploadsDir: path.join(tmp, 'uploads'),
  pretrainedDir: 'models',
  runtime: runtimeOptionsFromEnv(process.env, { predictThreads: 1 }),
});
const events: AppEvent[] = [];
backend.onEvent((e) => events.push(e));

async function ok<T>(name: string, args: unknown): Promise<T> {
  const r = await backend.request(name, args);
  if (!r.ok) throw new Error(`${name} refused: ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

async function job(name: string, args: unknown): Promise<void> {
  const { jobId } = await ok<{ jobId: string }>(name, args);
  for (let i = 0; i < 1200; i++) {
    const f = events.find((e) => e.type === 'job-finished' && e.jobId === jobId);
    if (f && f.type === 'job-finished') {
      if (f.outcome !== 'done') throw new Error(`${name}: ${f.message}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not finish`);
}

const gray = (uri: string) => decodePlainPng(Buffer.from(uri.replace('data:image/png;base64,', ''), 'base64'), 1e6)!;
let snap: SessionSnapshot;

beforeAll(async () => {
  await backend.service.init();
  await job('useSample', { sample: 'fer2013-csv' });
  await job('preprocess', { size: 48, pca: 60, seed: 1 });
  await job('compare', {});
  snap = await ok<SessionSnapshot>('getState', {});
}, 240_000);
afterAll(async () => {
  await backend.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('confusion gallery', () => {
  it("a cell holds exactly its images, most confident first, with both models' probabilities", async () => {
    const r = snap.reports.cnn!;
    const [i, j] = r.confusion
      .flatMap((row, a) => row.map((n, b) => [a, b, n]))
      .filter(([a, b, n]) => a !== b && n > 0)
      .sort((x, y) => y[2] - x[2])[0];
    const page = await ok<GalleryPageResult>('galleryPage', {
      slot: 'cnn',
      trueClass: i,
      predicted: j,
      wrongOnly: false,
      offset: 0,
      limit: 100,
    });
    expect(page.total).toBe(r.confusion[i][j]);
    expect(page.items.every((it) => it.trueClass === r.classes[i] && it.predicted === r.classes[j])).toBe(true);
    for (let k = 1; k < page.items.length; k++)
      expect(page.items[k].confidence).toBeLessThanOrEqual(page.items[k - 1].confidence);
    for (const it of page.items) {
      expect(Object.keys(it.probabilities).sort()).toEqual(['cnn', 'rnn']);
      expect(Math.max(...it.probabilities.cnn)).toBeCloseTo(it.confidence, 5);
      expect(gray(it.image)).toMatchObject({ width: 48, height: 48 });
    }
    const wrong = await ok<GalleryPageResult>('galleryPage', {
      slot: 'rnn',
      trueClass: null,
      predicted: null,
      wrongOnly: true,
      offset: 0,
      limit: 5,
    });
    expect(wrong.total).toBe(snap.reports.rnn!.n - snap.reports.rnn!.confusion.reduce((a, row, k) => a + row[k], 0));
    expect(wrong.items.every((it) => it.trueClass !== it.predicted)).toBe(true);
    expect(
      await backend.request('galleryPage', {
        slot: 'cnn',
        trueClass: 99,
        predicted: 0,
        wrongOnly: false,
        offset: 0,
        limit: 5,
      }),
    ).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(
      await backend.request('galleryPage', {
        slot: 'cnn',
        trueClass: 9,
        predicted: 0,
        wrongOnly: false,
        offset: 0,
        limit: 5,
      }),
    ).toMatchObject({ ok: false, error: { kind: 'bad-input' } });
  });
});

describe('dataset samples', () => {
  it('gives each class its count and faces, and flags no class in a balanced sample', async () => {
    const s = await ok<DatasetSamplesResult>('datasetSamples', { perClass: 6 });
    expect(s.classes.map((c) => c.name)).toEqual(snap.dataset!.classes);
    expect(s.classes.map((c) => c.count)).toEqual(snap.dataset!.classes.map((c) => snap.dataset!.perClass[c]));
    expect(s.classes.every((c) => c.images.length === 6)).toBe(true);
    expect(s.rare).toBeNull(); // 24 rows per class
  });
});

describe('PCA pictures', () => {
  it('eigenfaces, a rising variance curve and reconstructions that approach the face', async () => {
    const p = await ok<PcaPicturesResult>('pcaPictures', {});
    expect(p.kept).toBe(60);
    expect(p.eigenfaces).toHaveLength(16);
    expect(p.cumulative).toHaveLength(60);
    for (let k = 1; k < 60; k++) expect(p.cumulative[k]).toBeGreaterThanOrEqual(p.cumulative[k - 1]);
    expect(p.note).toBeNull();
    const orig = gray(p.original).gray!;
    const err = (uri: string) => gray(uri).gray!.reduce((a, v, k) => a + (v - orig[k]) ** 2, 0);
    const errs = p.reconstructions.map((r) => err(r.image));
    expect(p.reconstructions.map((r) => r.components)).toEqual([1, 5, 20, 50, 60]);
    expect(errs[errs.length - 1]).toBeLessThan(errs[0] / 2);
  });

  it('the paper preset keeps 100 % because its 3 channels are copies of the gray image', async () => {
    const ds = await loadDataset('data/paper-format/X.txt.npy');
    const r = await preprocessDataset(ds, { preset: 'paper', seed: 1 });
    expect(channelsAreCopies(r.train.images, r.channels)).toBe(true);
    expect(r.report.explainedVariance).toBeCloseTo(1, 4);
  }, 120_000);
});

describe('export report', () => {
  it('holds the dataset, both models and their worst mistakes, all inline', async () => {
    const r = await ok<ExportedReport>('exportReport', {});
    expect(r.fileName).toMatch(/^fer-studio-report-.*\.html$/);
    expect(r.html).toContain('<h2>Dataset</h2>');
    expect(r.html).toContain('<h2>CNN</h2>');
    expect(r.html).toContain('<h2>RNN</h2>');
    expect((r.html.match(/<h3>Worst mistakes<\/h3>/g) ?? []).length).toBe(2);
    expect(r.html).not.toMatch(/(src|href)="(?!data:|#)/);
  });
});
