import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFolderDataset } from '../../../src/core/dataset/load-folder.ts';
import { FER_CLASSES, SPLIT } from '../../../src/core/dataset/types.ts';
import { FerError } from '../../../src/core/errors.ts';
import type { Progress } from '../../../src/core/task.ts';
import { FIXTURES, SAMPLES, errorOf, tempDir } from './paths.ts';

const FOLDERS = join(SAMPLES, 'folders');
let tmp: string;
let jpgs: string[]; // a few real 48x48 sample JPEGs
beforeAll(async () => {
  tmp = await tempDir();
  const happy = join(FOLDERS, 'train/happy');
  jpgs = (await readdir(happy)).slice(0, 3).map((f) => join(happy, f));
});

/** Builds a dataset tree: keys are relative file paths, values a source file to copy or literal bytes. */
let trees = 0;
async function tree(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = join(tmp, `tree${trees++}`);
  for (const [rel, src] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    if (typeof src === 'string') await copyFile(src, join(root, rel));
    else await writeFile(join(root, rel), src);
  }
  return root;
}

describe('loadFolderDataset on the Kaggle image-folder sample', () => {
  it('loads train and test splits with classes in FER2013 order', async () => {
    const seen: Progress[] = [];
    const ds = await loadFolderDataset(FOLDERS, { onProgress: (p) => seen.push(p) });
    expect(ds).toMatchObject({
      format: 'folder',
      count: 280,
      height: 48,
      width: 48,
      channels: 1,
      classes: [...FER_CLASSES],
    });
    const splits = [0, 0, 0];
    for (const s of ds.split ?? []) splits[s]++;
    expect(splits).toEqual([210, 0, 70]);
    expect(ds.split?.[0]).toBe(SPLIT.train); // train comes first
    const perClass = new Array<number>(7).fill(0);
    for (const l of ds.labels) perClass[l]++;
    expect(perClass).toEqual([40, 40, 40, 40, 40, 40, 40]);
    expect(seen.at(-1)).toMatchObject({ stage: 'load', fraction: 1 });
  });

  it('loads a <root>/<class>/* folder without splits, pixels as sharp decodes them', async () => {
    const ds = await loadFolderDataset(join(FOLDERS, 'train'));
    expect(ds.count).toBe(210);
    expect(ds.split).toBeNull();
    const first = join(FOLDERS, 'train/angry', (await readdir(join(FOLDERS, 'train/angry'))).sort()[0]);
    const pixels = new Uint8Array(await sharp(first).grayscale().raw().toBuffer());
    expect(ds.images.subarray(0, 2304)).toEqual(pixels);
    expect(ds.classes[ds.labels[0]]).toBe('angry');
  });
});

describe('loadFolderDataset layouts', () => {
  it('matches class folders by meaning, any extension case, BMP included, ignoring other files', async () => {
    const root = await tree({
      'Happiness/a.JPG': jpgs[0],
      'Happiness/notes.txt': new TextEncoder().encode('not an image'),
      'Happiness/.DS_Store': new Uint8Array(3),
      'sadness/b.Jpeg': jpgs[1],
      'Disgusted/c.bmp': join(FIXTURES, 'bmp/face-8.bmp'),
    });
    const ds = await loadFolderDataset(root);
    expect(ds.classes).toEqual(['disgust', 'happy', 'sad']);
    expect(ds.count).toBe(3);
    expect(Array.from(ds.labels)).toEqual([0, 1, 2]);
  });

  it('sorts unknown class names alphabetically and reads val as the validation split', async () => {
    const root = await tree({
      'val/zebra/a.jpg': jpgs[0],
      'val/contempt/b.jpg': jpgs[1],
      'train/zebra/c.jpg': jpgs[2],
    });
    const ds = await loadFolderDataset(root);
    expect(ds.classes).toEqual(['contempt', 'zebra']);
    expect(Array.from(ds.split ?? [])).toEqual([SPLIT.train, SPLIT.validation, SPLIT.validation]);
  });

  it("resizes images to the first image's size", async () => {
    const big = new Uint8Array(await sharp(jpgs[1]).resize(96, 64).png().toBuffer());
    const ds = await loadFolderDataset(await tree({ 'angry/a.jpg': jpgs[0], 'happy/b.png': big }));
    expect(ds).toMatchObject({ height: 48, width: 48, count: 2 });
    expect(ds.images.length).toBe(2 * 48 * 48);
  });

  it('honours a cancel signal', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    const e = (await errorOf(loadFolderDataset(FOLDERS, { signal: ctrl.signal }))) as FerError;
    expect(e.kind).toBe('cancelled');
  });
});

describe('loadFolderDataset rejects bad folders with a FerError naming the path', () => {
  const cases: [string, () => Promise<[string, string]>, RegExp][] = [
    [
      'a file with an image extension that is not an image',
      async () => {
        const root = await tree({ 'angry/a.jpg': jpgs[0], 'happy/broken.jpg': new TextEncoder().encode('<html>') });
        return [root, join(root, 'happy/broken.jpg')];
      },
      /not an image or unsupported format/,
    ],
    [
      'a truncated JPEG',
      async () => {
        const bytes = new Uint8Array(await sharp(jpgs[0]).jpeg().toBuffer()).subarray(0, 300);
        const root = await tree({ 'angry/a.jpg': jpgs[0], 'happy/cut.jpg': bytes });
        return [root, join(root, 'happy/cut.jpg')];
      },
      /not an image or unsupported format/,
    ],
    [
      'a class folder without images',
      async () => {
        const root = await tree({ 'angry/a.jpg': jpgs[0], 'happy/readme.txt': new Uint8Array(1) });
        return [root, join(root, 'happy')];
      },
      /class folder has no images/,
    ],
    [
      'a single class',
      async () => {
        const root = await tree({ 'angry/a.jpg': jpgs[0], 'angry/b.jpg': jpgs[1] });
        return [root, root];
      },
      /needs at least 2 classes, found 1 \(angry\)/,
    ],
    [
      'split folders mixed with class folders',
      async () => {
        const root = await tree({ 'train/angry/a.jpg': jpgs[0], 'happy/b.jpg': jpgs[1] });
        return [root, root];
      },
      /mixes split folders \(train\) with other folders \(happy\)/,
    ],
    [
      'two folders naming one class',
      async () => {
        const root = await tree({ 'sad/a.jpg': jpgs[0], 'Sadness/b.jpg': jpgs[1], 'happy/c.jpg': jpgs[2] });
        return [root, root];
      },
      /folders "Sadness" and "sad" name the same class/,
    ],
    [
      'a folder of loose images',
      async () => {
        const root = await tree({ 'a.jpg': jpgs[0] });
        return [root, root];
      },
      /no class folders found/,
    ],
    ['a file instead of a folder', async () => [jpgs[0], jpgs[0]], /not a folder/],
  ];
  for (const [what, make, message] of cases) {
    it(`rejects ${what}`, async () => {
      const [root, named] = await make();
      const e = await errorOf(loadFolderDataset(root));
      expect(e).toBeInstanceOf(FerError);
      expect(e.message.startsWith(`${named}: `)).toBe(true);
      expect(e.message).toMatch(message);
    });
  }

  it('reports a missing folder as not-found', async () => {
    const e = (await errorOf(loadFolderDataset(join(tmp, 'missing')))) as FerError;
    expect(e.kind).toBe('not-found');
  });
});
