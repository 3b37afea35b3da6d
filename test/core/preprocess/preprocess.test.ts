import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadCsvDataset } from '../../../src/core/dataset/load-csv.ts';
import type { Dataset } from '../../../src/core/dataset/types.ts';
import { FerError } from '../../../src/core/errors.ts';
import { preprocessDataset } from '../../../src/core/preprocess/preprocess.ts';
import { loadPreprocessed, savePreprocessed } from '../../../src/core/preprocess/preprocessed-io.ts';
import type { Progress } from '../../../src/core/task.ts';
import { CSV_SAMPLE } from './pca-helpers.ts';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'fer-pre-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** 60 RGB 20x20 images, image i is uniformly (i, i, i) with label i % 3, plus a texture so PCA has work. */
function synthetic(): Dataset {
  const n = 60;
  const images = new Uint8Array(n * 20 * 20 * 3);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 400; p++)
      images.fill(i + (p % 20 < 10 ? 0 : 100) * ((i % 3) / 2), (i * 400 + p) * 3, (i * 400 + p) * 3 + 3);
  }
  return {
    format: 'folder',
    source: 'synthetic',
    classes: ['a', 'b', 'c'],
    count: n,
    height: 20,
    width: 20,
    channels: 3,
    images,
    labels: Uint8Array.from({ length: n }, (_, i) => i % 3),
    split: null,
  };
}

describe('preprocessDataset', () => {
  it('converts to gray at the asked size and splits 80/10/10 per class', async () => {
    const ds = synthetic();
    const seen: Progress[] = [];
    const r = await preprocessDataset(ds, { size: 16, seed: 1, onProgress: (p) => seen.push(p) });
    expect([r.train.count, r.validation.count, r.test.count]).toEqual([48, 6, 6]);
    expect(r).toMatchObject({
      size: 16,
      channels: 1,
      classes: ['a', 'b', 'c'],
      pca: null,
      usePcaInput: false,
      preset: 'default',
    });
    expect(r.report).toMatchObject({
      imagesBefore: 60,
      imagesAfter: 60,
      featuresBefore: 1200,
      featuresAfter: 256,
      explainedVariance: null,
    });
    for (const part of [r.train, r.validation, r.test]) {
      expect(part.images.length).toBe(part.count * 256);
      // left half of each image is still the image number: labels travelled with their images
      for (let t = 0; t < part.count; t++) expect(part.labels[t]).toBe(part.images[t * 256] % 3);
    }
    for (const part of [r.validation, r.test]) expect(Array.from(part.labels).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    expect(seen.some((p) => p.stage === 'resize')).toBe(true);
  });

  it('fits PCA on the train part only and reports the kept variance', async () => {
    const r = await preprocessDataset(synthetic(), { size: 16, pca: { varianceFraction: 0.9 }, seed: 1 });
    expect(r.pca).not.toBeNull();
    expect(r.usePcaInput).toBe(true);
    expect(r.pca?.d).toBe(256);
    expect(r.report.featuresAfter).toBe(r.pca?.k);
    expect(r.report.explainedVariance).toBeGreaterThan(0.9);
    expect(r.report.pcaSeconds).toBeGreaterThan(0);
    expect(r.report.seconds).toBeGreaterThanOrEqual(r.report.pcaSeconds);
    // mean of the train images only (in 0..1 units)
    let sum = 0;
    for (let t = 0; t < r.train.count; t++) sum += r.train.images[t * 256] / 255;
    expect(r.pca?.mean[0]).toBeCloseTo(sum / r.train.count, 5);
  });

  it('keeps the Usage splits of the Kaggle CSV sample', async () => {
    const ds = await loadCsvDataset(CSV_SAMPLE);
    const r = await preprocessDataset(ds, { pca: 40 });
    expect([r.train.count, r.validation.count, r.test.count]).toEqual([700, 140, 70]);
    expect(r.report).toMatchObject({ imagesBefore: 910, featuresBefore: 2304, featuresAfter: 40 });
    expect(r.pca?.k).toBe(40);
    // (Buffer.equals: vitest's deep equality takes seconds on 1.6 M elements)
    expect(Buffer.from(r.train.images).equals(ds.images.subarray(0, 700 * 2304))).toBe(true);
  });

  it('rejects options the paper preset cannot honour', async () => {
    const err = await preprocessDataset(synthetic(), { preset: 'paper', size: 48 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerError);
    expect((err as FerError).kind).toBe('usage');
    await expect(preprocessDataset(synthetic(), { size: 3 })).rejects.toThrow(/size/);
  });
});

describe('savePreprocessed / loadPreprocessed', () => {
  it('round-trips images, labels, classes, report and PCA', async () => {
    const r = await preprocessDataset(synthetic(), { size: 12, pca: 5, seed: 2 });
    const out = join(dir, 'pre');
    await savePreprocessed(r, out);
    await savePreprocessed(r, out); // overwriting is atomic too
    expect((await readdir(dir)).sort()).toEqual(['pre']);
    expect((await readdir(out)).sort()).toEqual([
      'labels.json',
      'meta.json',
      'pca.bin',
      'test.X.npy',
      'test.Y.npy',
      'train.X.npy',
      'train.Y.npy',
      'validation.X.npy',
      'validation.Y.npy',
    ]);
    const back = await loadPreprocessed(out);
    expect(back).toMatchObject({
      preset: 'default',
      size: 12,
      channels: 1,
      classes: ['a', 'b', 'c'],
      usePcaInput: true,
      report: r.report,
    });
    for (const p of ['train', 'validation', 'test'] as const) {
      expect(back[p].count).toBe(r[p].count);
      expect(Buffer.from(back[p].images).equals(r[p].images)).toBe(true);
      expect(back[p].labels).toEqual(r[p].labels);
    }
    expect(back.pca?.k).toBe(5);
    expect(back.pca?.components).toEqual(r.pca?.components);
    expect(back.pca?.mean).toEqual(r.pca?.mean);
  });

  it('names the file when the folder is not a preprocessed dataset', async () => {
    await expect(loadPreprocessed(join(dir, 'nothing'))).rejects.toThrow(/meta\.json: cannot read/);
    const bad = join(dir, 'bad');
    await savePreprocessed(await preprocessDataset(synthetic(), { size: 8 }), bad);
    await writeFile(join(bad, 'meta.json'), '{"format": "something else"}');
    await expect(loadPreprocessed(bad)).rejects.toThrow(/meta\.json: not the meta\.json of a preprocessed dataset/);
  });
});
