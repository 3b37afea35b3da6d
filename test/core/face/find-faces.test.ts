import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/core/image/decode-image.ts';
import { rgbToGray } from '../../../src/core/image/gray.ts';
import { findFaces } from '../../../src/core/face/find-faces.ts';
import { disposeFaceDetectors } from '../../../src/core/face/haar.ts';
import { exifRotatedJpeg, fiveFaces, fiveFacesCell, PHOTOS } from './image-fixtures.ts';

afterAll(disposeFaceDetectors);

const std = (a: Uint8Array): number => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
};

describe('findFaces', () => {
  it('astronaut.png: exactly one face with a 48x48 crop of it', async () => {
    const faces = await findFaces(await decodeImage(`${PHOTOS}astronaut.png`));
    expect(faces).toHaveLength(1);
    const [x, y, w, h] = faces[0].box;
    expect([x > 150, x + w < 320, y > 30, y + h < 200, w > 60]).toEqual([true, true, true, true, true]);
    expect(faces[0].crop).toHaveLength(48 * 48);
    expect(std(faces[0].crop)).toBeGreaterThan(20); // a face, not a flat patch
    expect(faces[0].wholeImage).toBeUndefined();
    const big = await findFaces(await decodeImage(`${PHOTOS}astronaut.png`), { size: 64, margin: 0 });
    expect(big[0].crop).toHaveLength(64 * 64);
  });

  it('no face in chelsea.png or coffee.png; the whole-image fallback when asked', async () => {
    for (const name of ['chelsea', 'coffee']) {
      const img = await decodeImage(`${PHOTOS}${name}.png`);
      expect(await findFaces(img)).toEqual([]);
      const whole = await findFaces(img, { wholeImageIfNone: true, size: 32 });
      expect(whole).toHaveLength(1);
      expect(whole[0]).toMatchObject({ box: [0, 0, img.width, img.height], wholeImage: true });
      expect(whole[0].crop).toHaveLength(32 * 32);
    }
  });

  it('an EXIF-rotated phone photo: one face once orientation is honoured, none if it were ignored', async () => {
    const jpg = await exifRotatedJpeg(`${PHOTOS}astronaut.png`, 75);
    const faces = await findFaces(await decodeImage(jpg, { file: 'phone.jpg' }));
    expect(faces).toHaveLength(1);
    expect(faces[0].box[1]).toBeLessThan(200); // upright: face in the upper half
    const { data, info } = await sharp(jpg).raw().toBuffer({ resolveWithObject: true }); // sharp ignores EXIF by default
    expect(await findFaces({ gray: rgbToGray(data), width: info.width, height: info.height })).toEqual([]);
  });

  it('five faces of decreasing size: five boxes, largest first, each in its own tile', async () => {
    const img = await decodeImage(await fiveFaces());
    const faces = await findFaces(img);
    expect(faces).toHaveLength(5);
    faces.forEach((f, i) => {
      const [cx, cy] = [f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2];
      const [left, top] = fiveFacesCell(i); // tile i is the i-th largest
      expect([cx > left, cx < left + 190, cy > top, cy < top + 200]).toEqual([true, true, true, true]);
    });
    const areas = faces.map((f) => f.box[2] * f.box[3]);
    expect(areas[0]).toBeGreaterThan(areas[4] * 1.5);
  });

  it('a 1x1 image has no face and does not throw', async () => {
    const one = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const img = await decodeImage(one);
    expect(await findFaces(img)).toEqual([]);
    expect((await findFaces(img, { wholeImageIfNone: true }))[0].crop.every((v) => v === 255)).toBe(true);
  });
});
