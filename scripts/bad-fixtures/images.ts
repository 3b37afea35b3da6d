/**
 * Bad and unusual photos for the reliability corpus. Each is built from scratch or
 * cut small from ../shared/photos, so the committed files stay a few KB.
 */
import { jpegDeclaring, pngDeclaring } from './bombs.ts';
import sharp from 'sharp';

export type Files = Record<string, Uint8Array | string>;

const solid = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } });

/** Left half red, right half blue: shows whether a decoder applied the EXIF rotation. */
async function leftRedRightBlue(w: number, h: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) px.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

/** The astronaut's face, small: enough for the Haar detector, a few KB as grayscale JPEG. */
function face(photos: string, side: number) {
  return sharp(`${photos}/astronaut.png`)
    .extract({ left: 117, top: 7, width: 213, height: 223 })
    .resize(side)
    .grayscale();
}

export async function imageFiles(photos: string): Promise<Files> {
  const text = 'This is a text file that someone renamed to .png\n';
  const good = await solid(24, 24, '#808080').png().toBuffer();
  const red = await solid(16, 16, '#ff0000').png().toBuffer();
  const blue = await solid(16, 16, '#0000ff').png().toBuffer();
  const cells = [
    [5, 5],
    [105, 5],
    [205, 5],
    [55, 110],
    [155, 110],
  ];
  const faces = await Promise.all(
    cells.map(async ([left, top], i) => ({ input: await face(photos, 92 - 4 * i).toBuffer(), left, top })),
  );
  return {
    'zero-bytes.png': new Uint8Array(0),
    'text-named.png': text,
    'text-named.jpg': text,
    'svg-named.png':
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>\n',
    'truncated.png': good.subarray(0, Math.floor(good.length / 2)),
    'truncated-header.jpg': (await solid(16, 16, '#00ff00').jpeg().toBuffer()).subarray(0, 20),
    'bad-bmp.bmp': Buffer.concat([Buffer.from('BM'), Buffer.alloc(30, 0xff)]),
    'one-pixel.png': await solid(1, 1, '#ffffff').png().toBuffer(),
    'bomb-20000x20000.png': pngDeclaring(20000, 20000),
    'bomb-20000x20000.jpg': await jpegDeclaring(20000, 20000),
    'cmyk.jpg': await solid(16, 16, '#ff0000').toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(),
    'rgb16.png': await solid(16, 16, '#00ff00').toColourspace('rgb16').png().toBuffer(),
    'gray-alpha.png': await sharp({
      create: { width: 16, height: 16, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .toColourspace('b-w')
      .png()
      .toBuffer(),
    'animated.gif': await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer(),
    'exif-rotated.jpg': await sharp(await leftRedRightBlue(32, 16))
      .rotate(-90)
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer(),
    'exif-rotated-face.jpg': await face(photos, 120)
      .rotate(-90)
      .jpeg({ quality: 80 })
      .withMetadata({ orientation: 6 })
      .toBuffer(),
    'no-face.jpg': await sharp(`${photos}/chelsea.png`).resize(160).grayscale().jpeg({ quality: 70 }).toBuffer(),
    'five-faces.jpg': await sharp({ create: { width: 300, height: 210, channels: 3, background: '#808080' } })
      .composite(faces)
      .grayscale()
      .jpeg({ quality: 75 })
      .toBuffer(),
  };
}
