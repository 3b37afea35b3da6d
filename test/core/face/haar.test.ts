import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FerError } from '../../../src/core/errors.ts';
import { decodeImage, type DecodedImage } from '../../../src/core/image/decode-image.ts';
import { detectFaces, disposeFaceDetectors } from '../../../src/core/face/haar.ts';
import { CASCADE_FILES, modelsDir, setModelsDir } from '../../../src/core/face/models-dir.ts';
import { loadOpenCv } from '../../../src/core/face/opencv.ts';
import { applyRuntimeOptions, DEFAULT_RUNTIME } from '../../../src/core/runtime-options.ts';
import { runtimeOptionsFromEnv } from '../../../src/app/runtime-env.ts';
import { PHOTOS, REPO } from './image-fixtures.ts';

let astronaut: DecodedImage;
let dir: string;
beforeAll(async () => {
  astronaut = await decodeImage(`${PHOTOS}astronaut.png`);
  dir = await mkdtemp(join(tmpdir(), 'fer-haar-'));
});
afterAll(async () => {
  await disposeFaceDetectors();
  await rm(dir, { recursive: true, force: true });
});

describe('detectFaces', () => {
  // First in the file, before big images leave large free holes in the heap.
  it('frees every Mat: the WASM heap top does not move over 20 detections', async () => {
    const cv = await loadOpenCv();
    // A 16 MB block cannot fit in a freed hole, so it lands at the top of the heap;
    // any leaked Mat would push that address up (a 256x256 Mat moves it by 64 KB).
    const heapTop = (): number => {
      const p = cv._malloc(16 << 20);
      cv._free(p);
      return p;
    };
    // Half size keeps 20 detections quick; the face is still found, so result vectors are exercised.
    const small = await sharp(`${PHOTOS}astronaut.png`).resize(256).grayscale().raw().toBuffer();
    expect(await detectFaces(small, 256, 256)).toHaveLength(1);
    const before = heapTop();
    for (let i = 0; i < 20; i++) await detectFaces(small, 256, 256);
    expect(heapTop()).toBe(before);
    // Control: the probe does see what 20 leaked 256x256 Mats would be.
    const leaked = Array.from({ length: 20 }, () => new cv.Mat(256, 256, cv.CV_8UC1));
    expect(heapTop()).toBeGreaterThan(before);
    leaked.forEach((m) => m.delete());
  });
  it("finds the astronaut's face with both cascades, in the upper middle of the photo", async () => {
    for (const cascade of ['default', 'alt2'] as const) {
      const boxes = await detectFaces(astronaut.gray, 512, 512, { cascade });
      expect(boxes).toHaveLength(1);
      const { x, y, w, h } = boxes[0];
      expect(x + w / 2).toBeGreaterThan(190);
      expect(x + w / 2).toBeLessThan(260);
      expect(y + h / 2).toBeGreaterThan(80);
      expect(y + h / 2).toBeLessThan(150);
      expect(w).toBeGreaterThan(60);
      expect(w).toBeLessThan(150);
    }
  });

  it('finds no face on a cat or a cup of coffee', async () => {
    for (const name of ['chelsea', 'coffee']) {
      const img = await decodeImage(`${PHOTOS}${name}.png`);
      expect(await detectFaces(img.gray, img.width, img.height)).toEqual([]);
      expect(await detectFaces(img.gray, img.width, img.height, { cascade: 'alt2' })).toEqual([]);
    }
  });

  it('shrinks big photos before detection and maps the box back', async () => {
    const { data } = await sharp(`${PHOTOS}astronaut.png`)
      .resize(1600, 1600)
      .grayscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const boxes = await detectFaces(data, 1600, 1600, { maxSide: 512 }); // detected at 512 px
    expect(boxes).toHaveLength(1);
    const small = (await detectFaces(astronaut.gray, 512, 512))[0];
    const scale = 1600 / 512;
    expect(Math.abs(boxes[0].x + boxes[0].w / 2 - (small.x + small.w / 2) * scale)).toBeLessThan(25);
    expect(Math.abs(boxes[0].w / scale - small.w)).toBeLessThan(15);
  });

  it('returns nothing (no throw) for 1x1 and tiny images; rejects mismatched buffers', async () => {
    expect(await detectFaces(Uint8Array.of(128), 1, 1)).toEqual([]);
    expect(await detectFaces(new Uint8Array(12 * 7), 12, 7)).toEqual([]);
    await expect(detectFaces(new Uint8Array(10), 4, 4)).rejects.toThrow(RangeError);
  });

  it('bad options are usage FerErrors, not OpenCV assertions', async () => {
    for (const bad of [
      { scaleFactor: 1 },
      { minNeighbors: -1 },
      { minSizeFraction: 1.5 },
      { maxSide: 0 },
      { cascade: 'nope' as 'alt2' },
    ]) {
      const e = await detectFaces(astronaut.gray, 512, 512, bad).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(FerError);
      expect((e as FerError).kind).toBe('usage');
    }
  });
});

describe('cascade location', () => {
  afterEach(() => setModelsDir(undefined));

  it('finds the shipped models/haar folder from the sources', () => {
    expect(modelsDir()).toBe(join(REPO, 'models', 'haar'));
  });

  it('uses the folder the runtime options name (a shell reads FER_MODELS_DIR into them), not the environment itself', async () => {
    const envDir = join(dir, 'env');
    await mkdir(envDir);
    await copyFile(join(REPO, 'models/haar', CASCADE_FILES.alt2), join(envDir, CASCADE_FILES.alt2));
    applyRuntimeOptions(runtimeOptionsFromEnv({ FER_MODELS_DIR: envDir }));
    expect(modelsDir()).toBe(envDir);
    expect(await detectFaces(astronaut.gray, 512, 512, { cascade: 'alt2' })).toHaveLength(1);
    applyRuntimeOptions(DEFAULT_RUNTIME);
    process.env.FER_MODELS_DIR = '/elsewhere';
    try {
      expect(modelsDir()).toBe(join(REPO, 'models', 'haar'));
    } finally {
      delete process.env.FER_MODELS_DIR;
    }
  });

  it('a missing cascade file is a not-found FerError naming the file; a broken one says so', async () => {
    setModelsDir(join(dir, 'empty'));
    const missing = await detectFaces(astronaut.gray, 512, 512).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(FerError);
    expect((missing as FerError).kind).toBe('not-found');
    expect((missing as FerError).message).toContain(join(dir, 'empty', CASCADE_FILES.default));

    await writeFile(join(dir, CASCADE_FILES.default), '<?xml version="1.0"?><opencv_storage><cascade>nonsense');
    setModelsDir(dir);
    const broken = await detectFaces(astronaut.gray, 512, 512).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(FerError);
    expect((broken as FerError).message).toBe(`${join(dir, CASCADE_FILES.default)}: not a valid Haar cascade XML file`);

    setModelsDir(undefined); // and the shipped one still works afterwards
    expect(await detectFaces(astronaut.gray, 512, 512)).toHaveLength(1);
  });
});
