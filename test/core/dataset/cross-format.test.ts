import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsvDataset } from '../../../src/core/dataset/load-csv.ts';
import { loadFolderDataset } from '../../../src/core/dataset/load-folder.ts';
import { loadNpyDataset } from '../../../src/core/dataset/load-npy.ts';
import { writeNpy } from '../../../src/core/dataset/npy.ts';
import { FER_CLASSES, SPLIT, type Dataset } from '../../../src/core/dataset/types.ts';
import { FIXTURES, SAMPLES, SHARED, tempDir } from './paths.ts';

/**
 * What overlaps (checked by exhaustive search): every CSV sample row and every folder sample
 * image is, pixel for pixel, a row of ../shared/datasets/fer2013 (Training and the CSV's
 * "PrivateTest" rows in train.X.npy, PublicTest rows in publictest.X.npy). The paper-format
 * sample matches none of them, so it is only checked on its own (load-npy.test.ts).
 */
const SIZE = 48 * 48;
let train: Dataset;
let publicTest: Dataset;
let csv: Dataset;
beforeAll(async () => {
  [train, publicTest, csv] = await Promise.all([
    loadNpyDataset(join(SHARED, 'fer2013/train.X.npy')),
    loadNpyDataset(join(SHARED, 'fer2013/publictest.X.npy')),
    loadCsvDataset(join(SAMPLES, 'fer2013-sample.csv')),
  ]);
});

const image = (ds: Dataset, i: number): Uint8Array => ds.images.subarray(i * SIZE, (i + 1) * SIZE);
const className = (ds: Dataset, i: number): string => ds.classes[ds.labels[i]];

/**
 * Finder of exact pixel matches, by a cheap hash then a full comparison. FER2013 itself holds
 * duplicates (1,236 repeated images in train, a few with different labels), hence a list.
 */
function indexImages(ds: Dataset): (img: Uint8Array) => number[] {
  const hash = (img: Uint8Array): number => {
    let h = 0x811c9dc5;
    for (let k = 0; k < img.length; k += 3) h = Math.imul(h ^ img[k], 16777619);
    return h >>> 0;
  };
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < ds.count; i++) {
    const h = hash(image(ds, i));
    const list = buckets.get(h);
    if (list) list.push(i);
    else buckets.set(h, [i]);
  }
  return (img) => (buckets.get(hash(img)) ?? []).filter((i) => image(ds, i).every((v, k) => v === img[k]));
}

describe('the same images agree across formats', () => {
  it('every CSV sample row equals a FER2013 .npy image with the same class', () => {
    const inTrain = indexImages(train);
    const inPublic = indexImages(publicTest);
    for (let i = 0; i < csv.count; i++) {
      const fromPublic = csv.split?.[i] === SPLIT.validation;
      const npy = fromPublic ? publicTest : train;
      const matches = (fromPublic ? inPublic : inTrain)(image(csv, i));
      expect(matches.length, `CSV row ${i}`).toBeGreaterThan(0);
      expect(
        matches.map((j) => className(npy, j)),
        `CSV row ${i}`,
      ).toContain(className(csv, i));
    }
  });

  it('every folder sample image equals a FER2013 .npy image with the same class', async () => {
    const folders = await loadFolderDataset(join(SAMPLES, 'folders'));
    const inTrain = indexImages(train);
    const inPublic = indexImages(publicTest);
    for (let i = 0; i < folders.count; i++) {
      const fromTest = folders.split?.[i] === SPLIT.test;
      const npy = fromTest ? publicTest : train;
      const matches = (fromTest ? inPublic : inTrain)(image(folders, i));
      expect(matches.length, `folder image ${i}`).toBeGreaterThan(0);
      expect(
        matches.map((j) => className(npy, j)),
        `folder image ${i}`,
      ).toContain(className(folders, i));
    }
  });

  it('numpy-written fixtures cut from the CSV equal the CSV rows (uint8 [N,48,48] and float32 flat one-hot)', async () => {
    for (const [dir, x] of [
      ['csv-head', 'X.npy'],
      ['paper-cut', 'X.txt.npy'],
    ]) {
      const { csvRows } = JSON.parse(await readFile(join(FIXTURES, dir, 'rows.json'), 'utf8')) as { csvRows: number[] };
      const ds = await loadNpyDataset(join(FIXTURES, dir, x));
      expect(ds.count).toBe(csvRows.length);
      csvRows.forEach((row, i) => {
        expect(image(ds, i)).toEqual(image(csv, row));
        expect(className(ds, i)).toBe(className(csv, row));
      });
    }
  });

  it('CSV rows written with writeNpy under alphabetical class names load back identical', async () => {
    const dir = await tempDir();
    const n = 20;
    const alphabetical = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'];
    const toAlpha = FER_CLASSES.map((c) => alphabetical.findIndex((a) => a.startsWith(c.slice(0, 4))));
    const oneHot = new Float32Array(n * 7);
    for (let i = 0; i < n; i++) oneHot[i * 7 + toAlpha[csv.labels[i * 40]]] = 1;
    const rows = new Uint8Array(n * SIZE);
    for (let i = 0; i < n; i++) rows.set(image(csv, i * 40), i * SIZE);
    await writeFile(join(dir, 'faces_X.npy'), writeNpy(rows, [n, SIZE], 'u1'));
    await writeFile(join(dir, 'faces_Y.npy'), writeNpy(oneHot, [n, 7], 'f4'));
    await writeFile(join(dir, 'labels.json'), JSON.stringify(alphabetical));
    const ds = await loadNpyDataset(join(dir, 'faces_X.npy'));
    for (let i = 0; i < n; i++) {
      expect(image(ds, i)).toEqual(image(csv, i * 40));
      expect(className(ds, i)).toBe(className(csv, i * 40));
    }
  });
});
