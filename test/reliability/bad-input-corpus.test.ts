/**
 * Every case of the bad-input corpus (test/fixtures/bad/) through the core: broken datasets
 * through loadDataset, broken and odd photos through decodeImage + findFaces. A broken file
 * must give a FerError whose message starts with the file it is about and states the problem;
 * an odd but valid image must be decoded correctly.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/core/dataset/load-dataset.ts';
import { FerError } from '../../src/core/errors.ts';
import { decodeImage } from '../../src/core/image/decode-image.ts';
import { findFaces } from '../../src/core/face/find-faces.ts';
import { disposeFaceDetectors } from '../../src/core/face/haar.ts';
import {
  BAD_DATASETS,
  BAD_IMAGE_CASES,
  BAD_IMAGES,
  DATASET_CASES,
  ODD_IMAGES,
  datasetInput,
  datasetNamed,
  entries,
} from './bad-corpus.ts';

afterAll(() => disposeFaceDetectors());

async function failure(p: Promise<unknown>): Promise<FerError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(FerError);
  return e as FerError;
}

describe('the corpus', () => {
  it('has at least 40 cases, and the table covers every fixture', () => {
    expect(DATASET_CASES.length + BAD_IMAGE_CASES.length + ODD_IMAGES.length).toBeGreaterThanOrEqual(40);
    expect(DATASET_CASES.map((c) => c.name).sort()).toEqual(entries(BAD_DATASETS));
    expect([...BAD_IMAGE_CASES.map(([f]) => f), ...ODD_IMAGES].sort()).toEqual(entries(BAD_IMAGES));
  });
});

describe.concurrent('bad datasets: a FerError naming the file and the problem', () => {
  it.each(DATASET_CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const e = await failure(loadDataset(datasetInput(c)));
    expect(e.message.startsWith(`${datasetNamed(c)}: `), e.message).toBe(true);
    expect(e.message).toMatch(c.problem);
    expect(e.kind).toBe(c.kind ?? 'bad-input');
    // One line, no stack or decoder dump: it is shown to the user as is.
    expect(e.message).not.toMatch(/\n/);
  });
});

describe.concurrent('bad images: refused with a FerError naming the file', () => {
  it.each(BAD_IMAGE_CASES)('%s', async (name, problem) => {
    const file = path.join(BAD_IMAGES, name);
    const fromPath = await failure(decodeImage(file));
    expect(fromPath.message.startsWith(`${file}: `), fromPath.message).toBe(true);
    expect(fromPath.message).toMatch(problem);
    expect(fromPath.kind).toBe('bad-input');
    // The same bytes as an upload (what the app passes) give the same message under the given name.
    const fromBytes = await failure(decodeImage(await readFile(file), { file: name }));
    expect(fromBytes.message).toBe(`${name}: ${fromPath.message.slice(file.length + 2)}`);
  });
});

const decode = (name: string) => decodeImage(path.join(BAD_IMAGES, name));
const pixel = (img: { rgb: Uint8Array; width: number }, x: number, y: number) =>
  Array.from(img.rgb.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('odd but valid images are handled correctly', () => {
  it('1x1: decodes, no face, and the whole-image fallback still gives a full-size crop', async () => {
    const img = await decode('one-pixel.png');
    expect([img.width, img.height, ...pixel(img, 0, 0)]).toEqual([1, 1, 255, 255, 255]);
    expect(await findFaces(img)).toEqual([]);
    const [whole] = await findFaces(img, { wholeImageIfNone: true });
    expect(whole).toMatchObject({ box: [0, 0, 1, 1], wholeImage: true });
    expect(whole.crop).toHaveLength(48 * 48);
  });

  it('CMYK JPEG: converted to RGB (red stays red)', async () => {
    const [r, g, b] = pixel(await decode('cmyk.jpg'), 8, 8);
    expect(r).toBeGreaterThan(200);
    expect(Math.max(g, b)).toBeLessThan(40);
  });

  it('16-bit PNG: scaled to 8 bits, not truncated', async () => {
    expect(pixel(await decode('rgb16.png'), 3, 3)).toEqual([0, 255, 0]);
  });

  it('gray + alpha: transparent pixels become white, as a viewer shows them', async () => {
    const img = await decode('gray-alpha.png');
    expect(img.gray.every((v) => v === 255)).toBe(true);
  });

  it('animated GIF: the first frame only', async () => {
    const img = await decode('animated.gif');
    expect([img.width, img.height]).toEqual([16, 16]);
    expect(pixel(img, 8, 8)).toEqual([255, 0, 0]);
  });

  it('EXIF orientation 6: decoded upright (red left, blue right)', async () => {
    const img = await decode('exif-rotated.jpg');
    expect([img.width, img.height]).toEqual([32, 16]);
    expect(pixel(img, 4, 8)[0]).toBeGreaterThan(200);
    expect(pixel(img, 28, 8)[2]).toBeGreaterThan(200);
  });

  it('EXIF-rotated face: found only because the photo is turned upright first', async () => {
    const file = path.join(BAD_IMAGES, 'exif-rotated-face.jpg');
    expect(await findFaces(await decodeImage(file))).toHaveLength(1);
    // The stored pixels, as a decoder ignoring EXIF sees them: the face is on its side, and not found.
    const { data, info } = await sharp(file).grayscale().raw().toBuffer({ resolveWithObject: true });
    expect(await findFaces({ gray: new Uint8Array(data), width: info.width, height: info.height })).toEqual([]);
  });

  it('no face: an empty list (the caller says "no face found")', async () => {
    expect(await findFaces(await decode('no-face.jpg'))).toEqual([]);
  });

  it('five faces: five separate boxes, largest first', async () => {
    const faces = await findFaces(await decode('five-faces.jpg'));
    expect(faces).toHaveLength(5);
    const areas = faces.map((f) => f.box[2] * f.box[3]);
    expect(areas).toEqual([...areas].sort((a, b) => b - a));
    for (const [i, a] of faces.entries()) {
      for (const b of faces.slice(i + 1)) {
        const apart =
          a.box[0] + a.box[2] <= b.box[0] ||
          b.box[0] + b.box[2] <= a.box[0] ||
          a.box[1] + a.box[3] <= b.box[1] ||
          b.box[1] + b.box[3] <= a.box[1];
        expect(apart).toBe(true);
      }
    }
  });
});

describe('after all that, the core still works', () => {
  it('loads a valid dataset and decodes a valid photo', async () => {
    const ds = await loadDataset(path.join(process.cwd(), 'test/fixtures/datasets/paper-cut/X.txt.npy'));
    expect(ds.count).toBeGreaterThan(0);
    expect(await findFaces(await decodeImage(path.join(process.cwd(), '../shared/photos/astronaut.png')))).toHaveLength(
      1,
    );
  });
});
