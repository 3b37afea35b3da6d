/**
 * Bad and unusual images, generated on the fly (bytes, not files in the repo):
 * each is a few hundred bytes to a few KB and built the same way every run.
 */
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const PHOTOS = `${REPO}../shared/photos/`;

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG whose header declares `width` x `height` gray pixels but which carries
 * only the first rows' data: the shape of a decompression bomb (a decoder that
 * trusts the header allocates width*height bytes) in under 1 KB.
 */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit gray, deflate, no filter, no interlace
  const rows = deflateSync(Buffer.alloc(4 * (width + 1)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', new Uint8Array(0))]);
}

/** A real small JPEG with its frame header patched to declare `width` x `height`. */
export async function jpegDeclaring(width: number, height: number): Promise<Buffer> {
  const jpg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } }).jpeg().toBuffer();
  for (let i = 2; i < jpg.length - 9; i++) {
    if (jpg[i] === 0xff && (jpg[i + 1] === 0xc0 || jpg[i + 1] === 0xc2)) {
      jpg.writeUInt16BE(height, i + 5);
      jpg.writeUInt16BE(width, i + 7);
      return jpg;
    }
  }
  throw new Error('no SOF marker in generated JPEG');
}

/** `w` x `h` image whose left half is red and right half blue (orientation is visible). */
export async function leftRedRightBlue(w: number, h: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) px.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

/**
 * Stores `image` rotated 90° anticlockwise with EXIF Orientation 6 ("rotate
 * 90° clockwise to view"), as phones do: only an EXIF-aware decoder sees it upright.
 */
export async function exifRotatedJpeg(image: Buffer | string, quality = 90): Promise<Buffer> {
  return sharp(image).rotate(-90).jpeg({ quality }).withMetadata({ orientation: 6 }).toBuffer();
}

/** Cell (top-left) of tile `i` in `fiveFaces`: a 3 + 2 grid of 190 x 200 cells. */
export const fiveFacesCell = (i: number): [number, number] => [10 + (i % 3) * 190, 10 + Math.floor(i / 3) * 200];

/** Five copies of the astronaut's face (a tile around it), tile i scaled by 1 - 0.08 i, on a gray canvas. */
export async function fiveFaces(): Promise<Buffer> {
  const tile = sharp(`${PHOTOS}astronaut.png`).extract({ left: 137, top: 27, width: 173, height: 183 });
  const tiles = await Promise.all([0, 1, 2, 3, 4].map(async (i) => {
    const [left, top] = fiveFacesCell(i);
    return { input: await tile.clone().resize(Math.round(173 * (1 - 0.08 * i))).toBuffer(), left, top };
  }));
  return sharp({ create: { width: 580, height: 400, channels: 3, background: '#808080' } }).composite(tiles).png().toBuffer();
}
