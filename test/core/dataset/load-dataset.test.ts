import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDataset, detectFormat, loadDataset } from '../../../src/core/dataset/load-dataset.ts';
import { FerError } from '../../../src/core/errors.ts';
import { FIXTURES, SAMPLES, errorOf, tempDir } from './paths.ts';

describe('detectFormat', () => {
  it('recognises .npy, .csv (any case) and folders', async () => {
    expect(await detectFormat(join(SAMPLES, 'paper-format/X.txt.npy'))).toBe('npy');
    expect(await detectFormat(join(SAMPLES, 'fer2013-sample.csv'))).toBe('csv');
    expect(await detectFormat(join(SAMPLES, 'folders'))).toBe('folder');
    const dir = await tempDir();
    await writeFile(join(dir, 'DATA.CSV'), 'x');
    expect(await detectFormat(join(dir, 'DATA.CSV'))).toBe('csv');
  });

  it('rejects other files as a usage error and missing paths as not-found', async () => {
    const usage = (await errorOf(detectFormat(join(FIXTURES, 'bmp/face.png')))) as FerError;
    expect(usage).toBeInstanceOf(FerError);
    expect(usage.kind).toBe('usage');
    expect(usage.message).toMatch(/face\.png: unsupported dataset type "\.png"/);
    const missing = (await errorOf(loadDataset('/no/such/data.npy'))) as FerError;
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toBe('/no/such/data.npy: not found');
  });
});

describe('loadDataset + describeDataset (what `fer info --json` prints)', () => {
  it('describes the CSV sample', async () => {
    const info = describeDataset(await loadDataset(join(SAMPLES, 'fer2013-sample.csv')));
    expect(info).toEqual({
      format: 'csv',
      count: 910,
      classes: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
      perClass: { angry: 130, disgust: 130, fear: 130, happy: 130, sad: 130, surprise: 130, neutral: 130 },
      imageShape: [48, 48, 1],
      splits: { train: 700, validation: 140, test: 70 },
    });
  });

  it('describes the paper-format sample', async () => {
    const info = describeDataset(await loadDataset(join(SAMPLES, 'paper-format/X.txt.npy')));
    expect(info).toMatchObject({ format: 'npy', count: 700, imageShape: [32, 32, 3], splits: null });
    expect(info.perClass).toEqual({
      angry: 100,
      disgust: 100,
      fear: 100,
      happy: 100,
      neutral: 100,
      sad: 100,
      surprise: 100,
    });
  });

  it('describes the folder sample', async () => {
    const info = describeDataset(await loadDataset(join(SAMPLES, 'folders')));
    expect(info).toMatchObject({
      format: 'folder',
      count: 280,
      imageShape: [48, 48, 1],
      splits: { train: 210, validation: 0, test: 70 },
    });
    expect(Object.values(info.perClass)).toEqual([40, 40, 40, 40, 40, 40, 40]);
  });
});
