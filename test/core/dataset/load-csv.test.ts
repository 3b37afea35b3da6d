import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsvDataset } from '../../../src/core/dataset/load-csv.ts';
import { FER_CLASSES, SPLIT } from '../../../src/core/dataset/types.ts';
import { FerError } from '../../../src/core/errors.ts';
import type { Progress } from '../../../src/core/task.ts';
import { SAMPLES, errorOf, tempDir } from './paths.ts';

const SAMPLE = join(SAMPLES, 'fer2013-sample.csv');
let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
let n = 0;
async function csv(text: string): Promise<string> {
  const path = join(dir, `t${n++}.csv`);
  await writeFile(path, text);
  return path;
}

describe('loadCsvDataset on the Kaggle sample', () => {
  it('keeps 910 rows with their Usage splits and FER2013 classes', async () => {
    const ds = await loadCsvDataset(SAMPLE);
    expect(ds).toMatchObject({
      format: 'csv',
      count: 910,
      height: 48,
      width: 48,
      channels: 1,
      classes: [...FER_CLASSES],
    });
    const splits = [0, 0, 0];
    for (const s of ds.split ?? []) splits[s]++;
    expect(splits).toEqual([700, 140, 70]);
    expect(ds.split?.[0]).toBe(SPLIT.train);
    expect(ds.split?.[700]).toBe(SPLIT.validation);
    expect(ds.split?.[909]).toBe(SPLIT.test);
  });

  it('agrees with a naive split-based parse of every row', async () => {
    const ds = await loadCsvDataset(SAMPLE);
    const rows = (await readFile(SAMPLE, 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(Array.from(ds.labels)).toEqual(rows.map((r) => Number(r[0])));
    const pixels = Uint8Array.from(rows.flatMap((r) => r[1].split(' ').map(Number)));
    expect(ds.images.length).toBe(pixels.length);
    // findIndex rather than toEqual: deep equality over 2 million elements takes half a minute.
    expect(pixels.findIndex((v, i) => v !== ds.images[i])).toBe(-1);
  });
});

describe('loadCsvDataset variants', () => {
  it('finds columns by name in any order, with CRLF, a BOM, quotes and blank lines', async () => {
    const path = await csv('\uFEFFUsage,"pixels",Emotion\r\nPublicTest,"1 2 3 4",3\r\n\r\nTraining,5 6 7 8,0\r\n\r\n');
    const ds = await loadCsvDataset(path);
    expect(ds).toMatchObject({ count: 2, height: 2, width: 2 });
    expect(Array.from(ds.images)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(ds.labels)).toEqual([3, 0]);
    expect(Array.from(ds.split ?? [])).toEqual([SPLIT.validation, SPLIT.train]);
  });

  it('has no splits without a Usage column, and reads a last line without a newline', async () => {
    const ds = await loadCsvDataset(await csv('emotion,pixels\n6,0 255 9 9\n2,1 1 1 1'));
    expect(ds.split).toBeNull();
    expect(Array.from(ds.labels)).toEqual([6, 2]);
  });

  it('reports progress while parsing and stops when cancelled', async () => {
    const body = Array.from({ length: 4500 }, (_, i) => `${i % 7},1 2 3 4,Training`).join('\n');
    const path = await csv(`emotion,pixels,Usage\n${body}\n`);
    const seen: Progress[] = [];
    const ds = await loadCsvDataset(path, { onProgress: (p) => seen.push(p) });
    expect(ds.count).toBe(4500);
    expect(seen.map((p) => p.message)).toEqual(['2000 rows', '4000 rows', '4500 rows']);
    expect(seen.every((p) => p.stage === 'load' && p.fraction > 0 && p.fraction <= 1)).toBe(true);

    const ctrl = new AbortController();
    const e = await errorOf(loadCsvDataset(path, { signal: ctrl.signal, onProgress: () => ctrl.abort() }));
    expect((e as FerError).kind).toBe('cancelled');
  });
});

describe('loadCsvDataset rejects bad rows with the file and line number', () => {
  const H = 'emotion,pixels,Usage\n';
  const cases: [string, string, RegExp][] = [
    ['an empty file', '', /empty file/],
    ['a missing header', '0,1 2 3 4,Training\n', /line 1: the header must name the columns "emotion" and "pixels"/],
    ['a header with no rows', H, /no data rows/],
    ['a wrong pixel count', `${H}0,1 2 3 4,Training\n1,1 2 3,Training\n`, /line 3: 3 pixel values, expected 4/],
    ['a non-numeric pixel', `${H}0,1 2 3 4,Training\n1,1 2 x 4,Training\n`, /line 3: pixels must be numbers.*"x 4"/],
    ['a negative pixel', `${H}0,1 -2 3 4,Training\n`, /line 2: pixels must be numbers/],
    ['a pixel above 255', `${H}0,1 2 3 256,Training\n`, /line 2: pixel value 256 is outside 0\.\.255/],
    [
      'an emotion outside 0..6',
      `${H}0,1 2 3 4,Training\n7,1 2 3 4,Training\n`,
      /line 3: emotion "7" is not a FER2013 class index 0\.\.6/,
    ],
    ['a non-numeric emotion', `${H}happy,1 2 3 4,Training\n`, /line 2: emotion "happy"/],
    [
      'an unknown Usage',
      `${H}0,1 2 3 4,Training\n0,1 2 3 4,Holdout\n`,
      /line 3: Usage "Holdout" is not Training, PublicTest or PrivateTest/,
    ],
    ['a missing column', `${H}0,1 2 3 4\n`, /line 2: expected 3 columns, found 2/],
    ['a non-square image', `${H}0,1 2 3,Training\n`, /line 2: 3 pixel values do not form a square image/],
    ['an unterminated quote', `${H}0,"1 2 3 4,Training\n`, /line 2: unterminated quoted field/],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what}`, async () => {
      const path = await csv(text);
      const e = await errorOf(loadCsvDataset(path));
      expect(e).toBeInstanceOf(FerError);
      expect(e.message.startsWith(`${path}: `)).toBe(true);
      expect(e.message).toMatch(message);
    });
  }

  it('reports a missing file as not-found', async () => {
    const e = (await errorOf(loadCsvDataset(join(dir, 'none.csv')))) as FerError;
    expect(e.kind).toBe('not-found');
  });
});
