/** The PNG fast path gives sharp's pixels exactly, and hands every file it does not fully understand back to sharp. */
import zlib from 'node:zlib';
import { readFile } from 'node:fs/promises';
import sharp, { type PngOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/core/image/decode-image.ts';
import { decodePlainPng } from '../../../src/core/image/plain-png.ts';
import { PHOTOS } from '../face/image-fixtures.ts';

const sharpRgb = async (png: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await sharp(png).toColourspace('srgb').removeAlpha().raw().toBuffer());

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** Bytes that differ (vitest's deep equality takes seconds on a photo's 786,432). */
function differing(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/**
 * A PNG whose row y uses filter filters[y % filters.length]: a tiny encoder, so every
 * filter type (and each on the first row, where "up" is zeros) is checked against libpng.
 */
function encodePng(
  w: number,
  h: number,
  channels: 1 | 3,
  px: Uint8Array,
  filters: number[],
  extra: Buffer[] = [],
): Buffer {
  const stride = w * channels;
  const raw = Buffer.alloc(h * (stride + 1));
  const at = (x: number, y: number): number => (x < 0 || y < 0 ? 0 : px[y * stride + x]);
  for (let y = 0; y < h; y++) {
    const f = filters[y % filters.length];
    raw[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const a = at(x - channels, y),
        b = at(x, y - 1),
        c = at(x - channels, y - 1);
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f] ?? 0; // 5+: an invalid filter type, for the refusal test
      raw[y * (stride + 1) + 1 + x] = (px[y * stride + x] - pred) & 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, channels === 3 ? 2 : 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Deterministic photo-like pixels: a gradient plus hashed noise, so every Paeth branch is taken. */
function pixels(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => ((i * 7) % 256) ^ ((i * 2654435761) >>> 27));
}

describe('decodePlainPng', () => {
  it.each(['astronaut', 'chelsea', 'coffee'])("decodes the %s photo to exactly sharp's pixels", async (name) => {
    const bytes = new Uint8Array(await readFile(`${PHOTOS}${name}.png`));
    const fast = decodePlainPng(bytes, 1e8);
    expect(fast).not.toBeNull();
    expect(differing(fast!.rgb, await sharpRgb(bytes))).toBe(0);
  });

  it.each([[[0]], [[1]], [[2]], [[3]], [[4]], [[4, 3, 2, 1, 0]]])(
    'undoes row filters %j, RGB and gray, as libpng does',
    async (filters) => {
      for (const channels of [3, 1] as const) {
        const [w, h] = [37, 11];
        const png = encodePng(w, h, channels, pixels(w * h * channels), filters);
        const fast = decodePlainPng(png, 1e8);
        expect(fast).toMatchObject({ width: w, height: h });
        expect(fast!.rgb).toEqual(await sharpRgb(png));
      }
    },
  );

  it('sends to sharp what it does not handle', async () => {
    const [w, h] = [8, 6];
    const rgb = pixels(w * h * 3);
    const viaSharp = (opts: PngOptions, channels: 3 | 4 = 3) =>
      sharp(channels === 3 ? Buffer.from(rgb) : Buffer.from(pixels(w * h * 4)), {
        raw: { width: w, height: h, channels },
      })
        .png(opts)
        .toBuffer();
    const plain = encodePng(w, h, 3, rgb, [4]);
    expect(decodePlainPng(plain, 1e8)).not.toBeNull(); // the control
    const refused: [string, Uint8Array][] = [
      ['alpha', await viaSharp({}, 4)],
      ['palette', await viaSharp({ palette: true })],
      [
        '16-bit',
        await sharp(Buffer.from(rgb), { raw: { width: w, height: h, channels: 3 } })
          .toColourspace('rgb16')
          .png()
          .toBuffer(),
      ],
      ['interlaced', await viaSharp({ progressive: true })],
      ['EXIF orientation', await sharp(plain).withMetadata({ orientation: 6 }).png().toBuffer()],
      ['transparency chunk', encodePng(w, h, 3, rgb, [4], [chunk('tRNS', new Uint8Array(6))])],
      ['gamma chunk', encodePng(w, h, 3, rgb, [4], [chunk('gAMA', new Uint8Array([0, 0, 0xb1, 0x8f]))])],
      ['bad CRC', Uint8Array.from(plain, (b, i) => (i === plain.length - 20 ? b ^ 1 : b))],
      ['truncated', plain.subarray(0, plain.length - 12)],
      ['unknown filter type', encodePng(w, h, 3, rgb, [4, 5])],
      ['not a PNG signature', Buffer.from(plain).fill(0, 0, 8)],
      ['over the pixel limit', plain],
    ];
    for (const [what, bytes] of refused)
      expect([what, decodePlainPng(bytes, what === 'over the pixel limit' ? w * h - 1 : 1e8)]).toEqual([what, null]);
  });

  it("leaves decodeImage's answers unchanged: EXIF-rotated PNGs are still turned upright by sharp", async () => {
    const plain = encodePng(8, 6, 3, pixels(8 * 6 * 3), [1]);
    const rotated = await sharp(plain).withMetadata({ orientation: 6 }).png().toBuffer();
    const img = await decodeImage(rotated);
    expect([img.width, img.height]).toEqual([6, 8]);
    const gray = await decodeImage(encodePng(5, 4, 1, pixels(20), [2]));
    expect(Array.from(gray.gray)).toEqual(Array.from(pixels(20)));
  });
});
