import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerError } from '../../../src/core/errors.ts';
import { decodeImage, MAX_IMAGE_PIXELS } from '../../../src/core/image/decode-image.ts';
import { rgbToGray } from '../../../src/core/image/gray.ts';
import { exifRotatedJpeg, jpegDeclaring, leftRedRightBlue, PHOTOS, pngDeclaring } from '../face/image-fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fer-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ferError(p: Promise<unknown>): Promise<FerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FerError);
  return e as FerError;
}
const px = (rgb: Uint8Array, w: number, x: number, y: number): number[] => [
  ...rgb.subarray((y * w + x) * 3, (y * w + x) * 3 + 3),
];

describe('decodeImage: good images', () => {
  it('decodes a PNG photo into matching RGB and BT.601 gray', async () => {
    const img = await decodeImage(`${PHOTOS}astronaut.png`);
    expect([img.width, img.height, img.rgb.length, img.gray.length]).toEqual([512, 512, 512 * 512 * 3, 512 * 512]);
    const [r, g, b] = px(img.rgb, 512, 100, 300);
    expect(Math.abs(img.gray[300 * 512 + 100] - (0.299 * r + 0.587 * g + 0.114 * b))).toBeLessThanOrEqual(1);
    expect(rgbToGray(new Uint8Array([255, 255, 255, 0, 0, 0]))).toEqual(new Uint8Array([255, 0]));
  });

  it('honours EXIF orientation (stored sideways, Orientation 6)', async () => {
    const jpg = await exifRotatedJpeg(await leftRedRightBlue(40, 20));
    expect((await sharp(jpg).metadata()).width).toBe(20); // really stored sideways
    const img = await decodeImage(jpg);
    expect([img.width, img.height]).toEqual([40, 20]);
    expect(px(img.rgb, 40, 5, 10)[0]).toBeGreaterThan(200); // left is red
    expect(px(img.rgb, 40, 35, 10)[2]).toBeGreaterThan(200); // right is blue
  });

  it('decodes a 1x1 PNG', async () => {
    const one = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#102030' } })
      .png()
      .toBuffer();
    const img = await decodeImage(one);
    expect([img.width, img.height, ...img.rgb]).toEqual([1, 1, 0x10, 0x20, 0x30]);
    const holder = new Uint8Array(one.length + 64); // a plain Uint8Array view at an offset works too
    holder.set(one, 32);
    expect([...(await decodeImage(holder.subarray(32, 32 + one.length))).rgb]).toEqual([0x10, 0x20, 0x30]);
  });

  it('converts a CMYK JPEG to RGB', async () => {
    const cmyk = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const [r, g, b] = px((await decodeImage(cmyk)).rgb, 8, 4, 4);
    expect(r).toBeGreaterThan(180);
    expect(Math.max(g, b)).toBeLessThan(70);
  });

  it('reduces a 16-bit PNG to 8 bits', async () => {
    const png16 = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 255, g: 128, b: 0 } } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const [r, g, b] = px((await decodeImage(png16)).rgb, 4, 1, 1);
    expect([r, Math.abs(g - 128) <= 1, b]).toEqual([255, true, 0]);
  });

  it('flattens gray+alpha onto white (default) or black', async () => {
    const ga = await sharp(Buffer.from([0, 0, 200, 255, 100, 128, 50, 255]), {
      raw: { width: 2, height: 2, channels: 2 },
    })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(ga).metadata()).channels).toBe(2);
    const white = await decodeImage(ga);
    expect([white.gray[0], white.gray[1], white.gray[3]]).toEqual([255, 200, 50]);
    expect(Math.abs(white.gray[2] - 178)).toBeLessThanOrEqual(1); // 100 at half alpha over 255
    const black = await decodeImage(ga, { background: 'black' });
    expect(black.gray[0]).toBe(0);
    expect(Math.abs(black.gray[2] - 50)).toBeLessThanOrEqual(1);
  });

  it('takes the first frame of an animated GIF', async () => {
    const frames = Buffer.concat([Buffer.alloc(6 * 4 * 3, 255), Buffer.alloc(6 * 4 * 3, 0)]);
    const gif = await sharp(frames, { raw: { width: 6, height: 8, channels: 3, pageHeight: 4 } })
      .gif({ loop: 0, delay: [100, 100] })
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const img = await decodeImage(gif);
    expect([img.width, img.height]).toEqual([6, 4]);
    expect(img.gray.every((v) => v === 255)).toBe(true);
  });

  it('decodes WebP and TIFF', async () => {
    const src = sharp({ create: { width: 5, height: 3, channels: 3, background: '#808080' } });
    for (const buf of [await src.clone().webp({ lossless: true }).toBuffer(), await src.clone().tiff().toBuffer()]) {
      const img = await decodeImage(buf);
      expect([img.width, img.height, img.gray[7]]).toEqual([5, 3, 128]);
    }
  });
});

describe('decodeImage: bad input gives a FerError naming the file', () => {
  it('zero-byte file', async () => {
    const f = join(dir, 'empty.png');
    await writeFile(f, '');
    const e = await ferError(decodeImage(f));
    expect(e.message).toBe(`${f}: not an image or unsupported format (empty file)`);
  });

  it('text file named .png', async () => {
    const f = join(dir, 'notes.png');
    await writeFile(f, 'these are not pixels\n');
    expect((await ferError(decodeImage(f))).message).toBe(`${f}: not an image or unsupported format`);
  });

  it('missing file and folder', async () => {
    const missing = await ferError(decodeImage(join(dir, 'nope.jpg')));
    expect([missing.kind, missing.message]).toEqual(['not-found', `${join(dir, 'nope.jpg')}: file not found`]);
    expect((await ferError(decodeImage(dir))).message).toContain('is a folder');
  });

  it('truncated PNG and JPEG, garbage bytes, SVG; names the file given with bytes', async () => {
    const png = await sharp(`${PHOTOS}coffee.png`).png().toBuffer();
    const jpg = await sharp(`${PHOTOS}coffee.png`).jpeg().toBuffer();
    for (const bad of [
      png.subarray(0, png.length >> 1),
      jpg.subarray(0, jpg.length >> 1),
      Buffer.from([1, 2, 3, 4, 5]),
      new Uint8Array(0),
    ]) {
      expect((await ferError(decodeImage(bad, { file: 'upload.jpg' }))).message).toMatch(
        /^upload\.jpg: not an image or unsupported format/,
      );
    }
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    expect((await ferError(decodeImage(svg))).message).toBe('not an image or unsupported format (svg)');
  });

  it('refuses a 20000x20000 PNG bomb from its header, quickly', async () => {
    const bomb = pngDeclaring(20000, 20000);
    expect(bomb.length).toBeLessThan(2000);
    const f = join(dir, 'bomb.png');
    await writeFile(f, bomb);
    const t = performance.now();
    const e = await ferError(decodeImage(f));
    expect(performance.now() - t).toBeLessThan(2000);
    expect(e.message).toBe(
      `${f}: image is 20000x20000 (400.0 megapixels), above the pixel limit of 40.0 megapixels; refusing to decode it`,
    );
    expect(MAX_IMAGE_PIXELS).toBe(40_000_000);
  });

  it('refuses a JPEG declaring 60000x60000, and honours a lower maxPixels', async () => {
    expect((await ferError(decodeImage(await jpegDeclaring(60000, 60000), { file: 'big.jpg' }))).message).toMatch(
      /^big\.jpg: image is 60000x60000 .*pixel limit/,
    );
    const real = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect((await ferError(decodeImage(real, { maxPixels: 1_000_000 }))).message).toContain(
      'above the pixel limit of 1.0 megapixels',
    );
    expect((await decodeImage(real, { maxPixels: 1_200_000 })).width).toBe(1200);
  });

  it('random corruption of real files only ever raises FerError', async () => {
    const outcomes = { decoded: 0, refused: 0 };
    const seeds = [
      await sharp(`${PHOTOS}chelsea.png`).resize(64).png().toBuffer(),
      await sharp(`${PHOTOS}chelsea.png`).resize(64).jpeg().toBuffer(),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        async (which, edits, cut) => {
          const buf = Buffer.from(seeds[which]);
          for (const [pos, v] of edits) buf[pos % buf.length] = v;
          const bytes = buf.subarray(0, cut % 3 === 0 ? buf.length : 1 + (cut % buf.length));
          try {
            const img = await decodeImage(bytes);
            expect(img.gray.length).toBe(img.width * img.height);
            outcomes.decoded++;
          } catch (e) {
            expect(e).toBeInstanceOf(FerError);
            outcomes.refused++;
          }
        },
      ),
      { numRuns: 60, seed: 42 },
    );
    // Both outcomes occur, so the property really exercised the error path and the decode path.
    expect(outcomes.decoded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
