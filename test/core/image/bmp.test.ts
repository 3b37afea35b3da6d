import { describe, expect, it } from 'vitest';
import { FerError } from '../../../src/core/errors.ts';
import { decodeImage } from '../../../src/core/image/decode-image.ts';

interface BmpSpec {
  width: number;
  height: number; // negative = top-down
  bpp: number;
  compression?: number;
  masks?: number[]; // BITFIELDS masks (written in a 108-byte V4 header)
  palette?: number[][]; // [r, g, b]
  row: (y: number) => number[]; // bytes of stored row y (without padding)
}

/** Writes a BMP the way common encoders do (row padding to 4 bytes, BGR palette). */
function bmp(s: BmpSpec): Buffer {
  const dib = s.masks ? 108 : 40;
  const pal = (s.palette ?? []).flatMap(([r, g, b]) => [b, g, r, 0]);
  const stride = Math.floor((s.bpp * s.width + 31) / 32) * 4;
  const h = Math.abs(s.height);
  const offset = 14 + dib + pal.length;
  const buf = Buffer.alloc(offset + stride * h);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(dib, 14);
  buf.writeInt32LE(s.width, 18);
  buf.writeInt32LE(s.height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(s.bpp, 28);
  buf.writeUInt32LE(s.compression ?? (s.masks ? 3 : 0), 30);
  buf.writeUInt32LE(s.palette?.length ?? 0, 46);
  s.masks?.forEach((m, i) => buf.writeUInt32LE(m >>> 0, 54 + 4 * i));
  buf.set(pal, 14 + dib);
  for (let y = 0; y < h; y++) buf.set(s.row(y), offset + y * stride);
  return buf;
}

async function ferError(p: Promise<unknown>): Promise<FerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FerError);
  return e as FerError;
}

describe('BMP decoding (sharp has no BMP loader)', () => {
  it('24-bit bottom-up: first stored row is the bottom of the image; odd width padding', async () => {
    // 3x2: bottom row blue,blue,blue; top row red, green, white (stored BGR).
    const img = await decodeImage(
      bmp({
        width: 3,
        height: 2,
        bpp: 24,
        row: (y) => (y === 0 ? [255, 0, 0, 255, 0, 0, 255, 0, 0] : [0, 0, 255, 0, 255, 0, 255, 255, 255]),
      }),
    );
    expect([img.width, img.height]).toEqual([3, 2]);
    expect([...img.rgb]).toEqual([255, 0, 0, 0, 255, 0, 255, 255, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255]);
    expect(img.gray[2]).toBe(255);
  });

  it('8-bit palette, top-down', async () => {
    const palette = [
      [0, 0, 0],
      [10, 20, 30],
      [200, 100, 50],
    ];
    const img = await decodeImage(
      bmp({ width: 2, height: -2, bpp: 8, palette, row: (y) => (y === 0 ? [1, 2] : [2, 0]) }),
    );
    expect([...img.rgb]).toEqual([10, 20, 30, 200, 100, 50, 200, 100, 50, 0, 0, 0]);
  });

  it('1-bit and 4-bit palettes', async () => {
    const one = await decodeImage(
      bmp({
        width: 10,
        height: -1,
        bpp: 1,
        palette: [
          [0, 0, 0],
          [255, 255, 255],
        ],
        row: () => [0b10100000, 0b01000000],
      }),
    );
    expect([...one.gray]).toEqual([255, 0, 255, 0, 0, 0, 0, 0, 0, 255]);
    const four = await decodeImage(
      bmp({
        width: 3,
        height: -1,
        bpp: 4,
        palette: [
          [0, 0, 0],
          [9, 9, 9],
          [99, 99, 99],
        ],
        row: () => [0x12, 0x00],
      }),
    );
    expect([...four.gray]).toEqual([9, 99, 0]);
  });

  it('16-bit 555 and 32-bit bit fields with alpha flattened onto the background', async () => {
    const c16 = await decodeImage(bmp({ width: 1, height: 1, bpp: 16, row: () => [0x00, 0x7c] })); // pure red in 555
    expect([...c16.rgb]).toEqual([255, 0, 0]);
    const masks = [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000];
    // pixel 0: opaque green; pixel 1: fully transparent black; pixel 2: half-transparent black
    const argb = bmp({ width: 3, height: -1, bpp: 32, masks, row: () => [0, 255, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128] });
    expect([...(await decodeImage(argb)).rgb.subarray(0, 6)]).toEqual([0, 255, 0, 255, 255, 255]);
    expect(Math.abs((await decodeImage(argb)).gray[2] - 127)).toBeLessThanOrEqual(1);
    expect([...(await decodeImage(argb, { background: 'black' })).rgb.subarray(3, 6)]).toEqual([0, 0, 0]);
  });

  it('32-bit with an all-zero alpha channel is opaque', async () => {
    const img = await decodeImage(bmp({ width: 1, height: 1, bpp: 32, row: () => [30, 20, 10, 0] }));
    expect([...img.rgb]).toEqual([10, 20, 30]);
  });

  it('refuses truncated, RLE-compressed, zero-size and oversized BMPs with a FerError', async () => {
    const good = bmp({ width: 4, height: 4, bpp: 24, row: () => new Array(12).fill(7) });
    expect((await ferError(decodeImage(good.subarray(0, good.length - 5), { file: 'a.bmp' }))).message).toBe(
      'a.bmp: not an image or unsupported format (BMP: pixel data is truncated)',
    );
    expect((await ferError(decodeImage(good.subarray(0, 20)))).message).toContain('truncated header');
    expect(
      (
        await ferError(
          decodeImage(bmp({ width: 2, height: 2, bpp: 8, compression: 1, palette: [[0, 0, 0]], row: () => [0, 0] })),
        )
      ).message,
    ).toContain('compression type 1');
    expect((await ferError(decodeImage(bmp({ width: 0, height: 2, bpp: 24, row: () => [] })))).message).toContain(
      'invalid size 0x2',
    );
    const huge = bmp({ width: 1, height: 1, bpp: 24, row: () => [0, 0, 0] });
    huge.writeInt32LE(30000, 18);
    huge.writeInt32LE(30000, 22);
    expect((await ferError(decodeImage(huge, { file: 'bomb.bmp' }))).message).toBe(
      'bomb.bmp: image is 30000x30000 (900.0 megapixels), above the pixel limit of 40.0 megapixels; refusing to decode it',
    );
  });
});
