/**
 * Bad and unusual images, generated on the fly (bytes, not files in the repo):
 * each is a few hundred bytes to a few KB and built the same way every run.
 */
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const PHOTOS = `${REPO}../shared/photos/`;

export { jpegDeclaring, pngDeclaring } from '../../../scripts/bad-fixtures/bombs.ts';

/** `w` x `h` image whose left half is red and right half blue (orientation is visible). */
export async function leftRedRightBlue(w: number, h: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) px.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
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
  const tiles = await Promise.all(
    [0, 1, 2, 3, 4].map(async (i) => {
      const [left, top] = fiveFacesCell(i);
      return {
        input: await tile
          .clone()
          .resize(Math.round(173 * (1 - 0.08 * i)))
          .toBuffer(),
        left,
        top,
      };
    }),
  );
  return sharp({ create: { width: 580, height: 400, channels: 3, background: '#808080' } })
    .composite(tiles)
    .png()
    .toBuffer();
}
