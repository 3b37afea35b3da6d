import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignClasses } from '../../../src/core/dataset/class-names.ts';
import { labelsPathFor, loadNpyDataset } from '../../../src/core/dataset/load-npy.ts';
import { parseNpy } from '../../../src/core/dataset/npy.ts';
import { FER_CLASSES } from '../../../src/core/dataset/types.ts';
import { FIXTURES, SAMPLES, SHARED } from './paths.ts';

const countPerClass = (labels: Uint8Array, k: number): number[] => {
  const c = new Array<number>(k).fill(0);
  for (const l of labels) c[l]++;
  return c;
};

describe('labelsPathFor', () => {
  it('replaces the X token of the file name by Y', () => {
    expect(labelsPathFor('/d/X.txt.npy')).toBe('/d/Y.txt.npy');
    expect(labelsPathFor('/d/train.X.npy')).toBe('/d/train.Y.npy');
    expect(labelsPathFor('/d/x_train.npy')).toBe('/d/y_train.npy');
    expect(labelsPathFor('/d/faces-X-2.npy')).toBe('/d/faces-Y-2.npy');
    expect(labelsPathFor('/X/Xylo.X.npy')).toBe('/X/Xylo.Y.npy'); // only the file name's lone X
  });

  it('rejects a name without an X token', () => {
    expect(() => labelsPathFor('/d/images.npy')).toThrow(/\/d\/images\.npy: .*no X token/);
  });
});

describe('loadNpyDataset on the real data', () => {
  it("loads the reference application's paper-format sample (float 0..1, one-hot, alphabetical classes)", async () => {
    const path = join(SAMPLES, 'paper-format/X.txt.npy');
    const ds = await loadNpyDataset(path);
    expect(ds).toMatchObject({
      format: 'npy',
      source: path,
      count: 700,
      height: 32,
      width: 32,
      channels: 3,
      split: null,
    });
    expect(ds.classes).toEqual(['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise']);
    expect(countPerClass(ds.labels, 7)).toEqual([100, 100, 100, 100, 100, 100, 100]);
    const x = parseNpy(new Uint8Array(await readFile(path)), path);
    for (const i of [0, 1, 777, 2_150_399]) expect(ds.images[i]).toBe(Math.round(x.data[i] * 255));
    // grayscale copied into 3 channels, as the README says
    expect([...ds.images.subarray(0, 300)].every((v, i) => v === ds.images[i - (i % 3)])).toBe(true);
    const y = parseNpy(new Uint8Array(await readFile(join(SAMPLES, 'paper-format/Y.txt.npy'))), 'Y');
    for (const i of [0, 350, 699]) expect(y.data[i * 7 + ds.labels[i]]).toBe(1);
  });

  it('maps the paper classes onto FER2013 indices by meaning', async () => {
    const ds = await loadNpyDataset(join(SAMPLES, 'paper-format/X.txt.npy'));
    const toFer = alignClasses(ds.classes, FER_CLASSES);
    expect(FER_CLASSES[toFer[ds.classes.indexOf('disgust')]]).toBe('disgust');
    expect(toFer).toEqual([0, 1, 2, 3, 6, 4, 5]); // neutral sits last in FER2013's order
  });

  it("loads FER2013 PublicTest with the README's class counts", async () => {
    const ds = await loadNpyDataset(join(SHARED, 'fer2013/publictest.X.npy'));
    expect(ds).toMatchObject({ count: 3589, height: 48, width: 48, channels: 1, classes: [...FER_CLASSES] });
    expect(countPerClass(ds.labels, 7)).toEqual([467, 56, 496, 895, 653, 415, 607]);
  });

  // Speed is measured by bench/load.ts (timed unit tests only measure the CI machine's load).
  it('loads the full FER2013 train set with the README class counts', async () => {
    const ds = await loadNpyDataset(join(SHARED, 'fer2013/train.X.npy'));
    expect(ds.count).toBe(28709);
    expect(ds.images.length).toBe(28709 * 48 * 48);
    expect(countPerClass(ds.labels, 7)).toEqual([3995, 436, 4097, 7215, 4830, 3171, 4965]);
  });
});

describe('loadNpyDataset on numpy-written fixtures', () => {
  it('reads uint8 [N,H,W] with int64 labels and FER2013 class order when there is no labels.json', async () => {
    const ds = await loadNpyDataset(join(FIXTURES, 'csv-head/X.npy'));
    expect(ds).toMatchObject({ count: 14, height: 48, width: 48, channels: 1, classes: [...FER_CLASSES] });
    expect(Array.from(ds.labels)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  });

  it('reads flat float32 [N, 2304] as 48x48 gray with one-hot float64 labels named by labels.json', async () => {
    const ds = await loadNpyDataset(join(FIXTURES, 'paper-cut/X.txt.npy'));
    expect(ds).toMatchObject({ count: 3, height: 48, width: 48, channels: 1 });
    expect(ds.classes).toEqual(['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise']);
    expect(ds.labels.map((l) => FER_CLASSES.indexOf(ds.classes[l] as never))).toEqual(Uint8Array.of(1, 5, 6));
  });
});
