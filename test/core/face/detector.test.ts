/**
 * The detector choice: YuNet on onnxruntime-node, then -web, then Haar, saying which
 * is in use; faces found / none found on the shared photos; bad inputs.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from '../../../src/core/image/decode-image.ts';
import { createFaceDetector, describeDetector, type FaceDetector } from '../../../src/core/face/detector.ts';
import { findFaces } from '../../../src/core/face/find-faces.ts';
import { disposeFaceDetectors } from '../../../src/core/face/haar.ts';
import { PHOTOS } from './image-fixtures.ts';

const photos: Record<string, DecodedImage> = {};
const opened: FaceDetector[] = [];
async function open(...args: Parameters<typeof createFaceDetector>): Promise<FaceDetector> {
  const d = await createFaceDetector(...args);
  opened.push(d);
  return d;
}

beforeAll(async () => {
  for (const p of ['astronaut', 'chelsea', 'coffee']) photos[p] = await decodeImage(`${PHOTOS}${p}.png`);
});
afterAll(async () => {
  for (const d of opened) await d.dispose();
  await disposeFaceDetectors();
});

describe('createFaceDetector: the fallback chain', () => {
  it('uses onnxruntime-node first', async () => {
    const d = await open();
    expect([d.name, d.runtime, d.fallback]).toEqual(['yunet', 'onnxruntime-node', undefined]);
    expect(describeDetector(d)).toBe('YuNet (onnxruntime-node)');
  });

  it('uses onnxruntime-web when native is not allowed, with the same faces', async () => {
    const native = await open({ allow: ['onnxruntime-node'] });
    const web = await open({ allow: ['onnxruntime-web'] });
    expect(web.runtime).toBe('onnxruntime-web');
    const { rgb, width, height } = photos.astronaut;
    const [a] = await native.detect(rgb, width, height, 3);
    const [b] = await web.detect(rgb, width, height, 3);
    for (let i = 0; i < 4; i++) expect(b.box[i]).toBeCloseTo(a.box[i], 2);
    expect(b.score).toBeCloseTo(a.score, 4);
  });

  it('falls back to Haar, saying why, when no ONNX Runtime may load', async () => {
    const d = await open({ allow: [] });
    expect([d.name, d.runtime]).toEqual(['haar', 'opencv.js']);
    expect(d.fallback).toMatch(/no ONNX Runtime/);
    expect(describeDetector(d)).toBe('Haar cascade (opencv.js)');
    const { rgb, width, height } = photos.astronaut;
    expect(await d.detect(rgb, width, height, 3)).toHaveLength(1);
  });

  it('falls back to Haar when the model file is missing, naming it', async () => {
    const d = await open({ modelPath: '/nonexistent/yunet.onnx' });
    expect(d.name).toBe('haar');
    expect(d.fallback).toMatch(/ENOENT.*\/nonexistent\/yunet\.onnx/);
  });

  it('falls back runtime by runtime when a runtime cannot open the model', async () => {
    const d = await open({ modelPath: `${PHOTOS}astronaut.png`, allow: ['onnxruntime-node', 'onnxruntime-web'] });
    expect(d.name).toBe('haar');
    expect(d.fallback).toMatch(/onnxruntime-node: .*; onnxruntime-web: /);
  });

  it('refuses a bad option instead of falling back', async () => {
    await expect(createFaceDetector({ maxSide: 8 })).rejects.toThrow(/maxSide/);
    await expect(createFaceDetector({ threads: 0 })).rejects.toThrow(/threads/);
    await expect(createFaceDetector({ kind: 'blaze' as 'haar' })).rejects.toThrow(/yunet.*haar/);
  });
});

describe('faces found / none found on the shared photos', () => {
  for (const kind of ['yunet', 'haar'] as const) {
    it(`${kind}: the astronaut has one face, the cat and the coffee none`, async () => {
      const d = await open({ kind });
      const found = async (p: string): Promise<number> =>
        (await d.detect(photos[p].rgb, photos[p].width, photos[p].height, 3)).length;
      expect([await found('astronaut'), await found('chelsea'), await found('coffee')]).toEqual([1, 0, 0]);
    });
  }

  it('yunet: the astronaut face is where Haar finds it, with eyes above nose above mouth', async () => {
    const y = await open();
    const h = await open({ kind: 'haar' });
    const { rgb, width, height } = photos.astronaut;
    const [f] = await y.detect(rgb, width, height, 3);
    const [g] = await h.detect(rgb, width, height, 3);
    const centre = (b: number[]): number[] => [b[0] + b[2] / 2, b[1] + b[3] / 2];
    const [cx, cy] = centre(f.box);
    const [hx, hy] = centre(g.box);
    expect(Math.hypot(cx - hx, cy - hy)).toBeLessThan(0.15 * g.box[2]);
    expect(f.score).toBeGreaterThan(0.9);
    const [re, le, nose, rm, lm] = f.landmarks;
    expect(re[0]).toBeLessThan(le[0]); // the subject's right eye is on the image's left
    expect(Math.max(re[1], le[1])).toBeLessThan(nose[1]);
    expect(nose[1]).toBeLessThan(Math.min(rm[1], lm[1]));
  });

  it('yunet: RGBA input gives the same faces as RGB', async () => {
    const d = await open();
    const { rgb, width, height } = photos.astronaut;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) rgba.set([rgb[i], rgb[i + 1], rgb[i + 2], 255], j);
    expect(await d.detect(rgba, width, height, 4)).toEqual(await d.detect(rgb, width, height, 3));
  });

  it('yunet: a 2048 px photo is shrunk to maxSide and boxes come back in its pixels', async () => {
    // Shrunk 4x by area averaging, the 4x-enlarged copy is the photo again, pixel for pixel.
    const d = await open({ maxSide: 512 });
    const small = await d.detect(photos.astronaut.rgb, 512, 512, 3);
    const big = new Uint8Array(2048 * 2048 * 3);
    const src = photos.astronaut.rgb;
    for (let y = 0; y < 2048; y++) {
      for (let x = 0; x < 2048; x++)
        big.set(src.subarray(((y >> 2) * 512 + (x >> 2)) * 3, ((y >> 2) * 512 + (x >> 2)) * 3 + 3), (y * 2048 + x) * 3);
    }
    const [f] = await d.detect(big, 2048, 2048, 3);
    for (let i = 0; i < 4; i++) expect(Math.abs(f.box[i] - 4 * small[0].box[i])).toBeLessThan(0.01);
  });
});

describe('a 12 MP group photo', () => {
  it('yunet: twelve faces 90 px wide in a 4000x3000 photo are all found at the default size, none at 640', async () => {
    // The astronaut's head and shoulders at 1:1: her face box is about 90 px wide.
    const tile = await sharp(`${PHOTOS}astronaut.png`)
      .extract({ left: 137, top: 27, width: 173, height: 183 })
      .removeAlpha()
      .png()
      .toBuffer();
    const tiles = Array.from({ length: 12 }, (_, i) => ({
      input: tile,
      left: 200 + (i % 4) * 900,
      top: 300 + Math.floor(i / 4) * 900,
    }));
    const { data } = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#707070' } })
      .composite(tiles)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
    expect(await (await open()).detect(rgb, 4000, 3000, 3)).toHaveLength(12);
    expect(await (await open({ maxSide: 640 })).detect(rgb, 4000, 3000, 3)).toHaveLength(0);
  });
});

describe('findFaces with a detector', () => {
  it('YuNet: a face cut by the left edge gets a whole-pixel box inside the photo, with its score', async () => {
    const d = await open();
    const { rgb, gray } = photos.astronaut;
    // Columns 200..511: the face (x 178..268) loses its left 22 px.
    const w = 312;
    const cut = { width: w, height: 512, rgb: new Uint8Array(w * 512 * 3), gray: new Uint8Array(w * 512) };
    for (let y = 0; y < 512; y++) {
      cut.rgb.set(rgb.subarray((y * 512 + 200) * 3, (y * 512 + 512) * 3), y * w * 3);
      cut.gray.set(gray.subarray(y * 512 + 200, y * 512 + 512), y * w);
    }
    const raw = await d.detect(cut.rgb, w, 512, 3);
    expect(raw).toHaveLength(1);
    expect(raw[0].box[0]).toBeLessThan(0);
    const [f] = await findFaces(cut, { detector: d });
    expect(f.box[0]).toBe(0);
    expect(f.box.every(Number.isInteger)).toBe(true);
    expect(f.box[2]).toBe(Math.round(raw[0].box[0] + raw[0].box[2]));
    expect(f.score).toBe(raw[0].score);
    expect(f.crop).toHaveLength(48 * 48);
  });

  it('a detector without the RGB image is a clear error', async () => {
    const d = await open();
    const { gray, width, height } = photos.astronaut;
    await expect(findFaces({ gray, width, height }, { detector: d })).rejects.toThrow(/needs the RGB image/);
  });
});

describe('bad inputs', () => {
  for (const kind of ['yunet', 'haar'] as const) {
    it(`${kind}: a 1x1 image and a 10,000 x 2 strip have no face; a wrong buffer length is a clear error`, async () => {
      const d = await open({ kind });
      expect(await d.detect(Uint8Array.of(10, 20, 30), 1, 1, 3)).toEqual([]);
      expect(await d.detect(new Uint8Array(10_000 * 2 * 4).fill(128), 10_000, 2, 4)).toEqual([]);
      await expect(d.detect(new Uint8Array(10), 2, 2, 3)).rejects.toThrow(/expected 2x2x3 = 12 bytes, got 10/);
    });
  }

  it('yunet: zero or fractional sizes and 2 channels are refused by name', async () => {
    const d = await open();
    await expect(d.detect(new Uint8Array(0), 0, 0, 3)).rejects.toThrow(/positive whole numbers/);
    await expect(d.detect(new Uint8Array(6), 1.5, 2, 3)).rejects.toThrow(/positive whole numbers/);
    await expect(d.detect(new Uint8Array(8), 2, 2, 2 as 3)).rejects.toThrow(/channels must be 3/);
  });

  it('a disposed detector says so', async () => {
    const d = await createFaceDetector();
    await d.dispose();
    await expect(d.detect(Uint8Array.of(1, 2, 3), 1, 1, 3)).rejects.toThrow(/disposed/);
  });
});
