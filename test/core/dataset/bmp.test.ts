import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBmp as decodeBmpRgb } from '../../../src/core/image/bmp.ts';
import { decodeImage } from '../../../src/core/image/decode-image.ts';
import { resizeCover } from '../../../src/core/image/fit.ts';
import { FerError } from '../../../src/core/errors.ts';
import { FIXTURES, errorOf } from './paths.ts';

// One BMP decoder serves photos and dataset folders; these Pillow fixtures check it.
const decodeBmp = (bytes: Uint8Array, file: string) => {
  const img = decodeBmpRgb(bytes, { maxPixels: 40_000_000, background: 255, file });
  return { width: img.width, height: img.height, data: img.rgb };
};

// The fixtures were written by Pillow (an independent encoder) next to PNGs of the same pixels.
const fixture = async (name: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(join(FIXTURES, 'bmp', name)));
const pngRgb = async (name: string): Promise<Uint8Array> =>
  new Uint8Array(
    await sharp(await fixture(name))
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer(),
  );

describe('decodeBmp matches the PNG of the same pixels', () => {
  const cases: [string, string][] = [
    ['colors-24.bmp', 'colors.png'], // 24-bit BGR, odd width (row padding)
    ['colors-32.bmp', 'colors.png'], // 32-bit BGRA
    ['palette-8.bmp', 'palette.png'], // 8-bit palette
    ['face-8.bmp', 'face.png'], // 8-bit grayscale palette, 48x48
    ['face-24.bmp', 'face.png'],
    ['face-1.bmp', 'face-1.png'], // 1-bit
  ];
  for (const [bmp, png] of cases) {
    it(bmp, async () => {
      const img = decodeBmp(await fixture(bmp), bmp);
      const meta = await sharp(await fixture(png)).metadata();
      expect([img.width, img.height]).toEqual([meta.width, meta.height]);
      expect(img.data).toEqual(await pngRgb(png));
    });
  }

  it('reads top-down rows (negative height)', async () => {
    const bytes = await fixture('colors-24.bmp');
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    const h = dv.getInt32(22, true);
    const stride = 16; // 5 px * 3 bytes, padded to 4
    const off = dv.getUint32(10, true);
    const flipped = bytes.slice();
    new DataView(flipped.buffer).setInt32(22, -h, true);
    for (let y = 0; y < h; y++)
      flipped.set(bytes.subarray(off + y * stride, off + (y + 1) * stride), off + (h - 1 - y) * stride);
    expect(decodeBmp(flipped, 'td.bmp').data).toEqual(decodeBmp(bytes, 'bu.bmp').data);
  });

  it('reads 16-bit 5-5-5 and RGB565 bit-field pixels', () => {
    const make = (compression: number, pixels: number[], masks?: number[]): Uint8Array => {
      const b = new Uint8Array(66 + 4);
      const dv = new DataView(b.buffer);
      b.set([0x42, 0x4d]);
      dv.setUint32(10, 66, true);
      dv.setUint32(14, 40, true);
      dv.setInt32(18, 2, true);
      dv.setInt32(22, 1, true);
      dv.setUint16(28, 16, true);
      dv.setUint32(30, compression, true);
      masks?.forEach((m, i) => dv.setUint32(54 + 4 * i, m, true));
      pixels.forEach((p, i) => dv.setUint16(66 + 2 * i, p, true));
      return b;
    };
    expect(Array.from(decodeBmp(make(0, [0x7c00, 0x001f]), 'a').data)).toEqual([255, 0, 0, 0, 0, 255]);
    expect(Array.from(decodeBmp(make(3, [0x07e0, 0xffff], [0xf800, 0x07e0, 0x001f]), 'b').data)).toEqual([
      0, 255, 0, 255, 255, 255,
    ]);
  });
});

describe('decodeBmp errors', () => {
  const patch = async (at: number, value: number, size: 2 | 4 = 4): Promise<Uint8Array> => {
    const b = (await fixture('colors-24.bmp')).slice();
    const dv = new DataView(b.buffer);
    if (size === 2) dv.setUint16(at, value, true);
    else dv.setUint32(at, value, true);
    return b;
  };
  const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
    ['RLE compression', () => patch(30, 1), /compression type 1 is not supported/],
    ['2 bits per pixel', () => patch(28, 2, 2), /2 bits per pixel is not supported/],
    ['truncated pixel data', async () => (await fixture('colors-24.bmp')).subarray(0, 80), /pixel data is truncated/],
    ['a zero width', () => patch(18, 0), /invalid size 0x3/],
  ];
  for (const [what, make, message] of cases) {
    it(`rejects ${what} naming the file`, async () => {
      const e = await errorOf(async () => decodeBmp(await make(), '/p/x.bmp'));
      expect(e).toBeInstanceOf(FerError);
      expect(e.message).toMatch(/^\/p\/x\.bmp: not an image or unsupported format \(BMP: /);
      expect(e.message).toMatch(message);
    });
  }
});

describe('decodeImage (the path dataset folders take)', () => {
  it('gives the same grayscale pixels for a BMP and a PNG of one image', async () => {
    const a = await decodeImage(await fixture('face-24.bmp'), { file: 'face-24.bmp' });
    const b = await decodeImage(await fixture('face.png'), { file: 'face.png' });
    expect(a).toMatchObject({ width: 48, height: 48 });
    expect(a.gray).toEqual(b.gray);
  });

  it('resizes to a requested size', async () => {
    const img = await decodeImage(await fixture('face.png'), { file: 'face.png' });
    expect(resizeCover(img.gray, img.width, img.height, { width: 24, height: 24 }).length).toBe(576);
  });

  it('rejects bytes that are no image, naming the file', async () => {
    const e = await errorOf(decodeImage(new TextEncoder().encode('hello'), { file: '/p/fake.jpg' }));
    expect(e).toBeInstanceOf(FerError);
    expect(e.message).toMatch(/^\/p\/fake\.jpg: not an image/);
  });
});
