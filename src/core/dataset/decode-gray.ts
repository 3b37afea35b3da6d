import sharp, { type Sharp } from 'sharp';
import { FerError } from '../errors.ts';
import { MAX_IMAGE_PIXELS } from '../image/limits.ts';
import { decodeBmp, isBmp } from '../image/bmp.ts';

export interface GrayImage {
  width: number;
  height: number;
  /** One byte per pixel, row-major. */
  data: Uint8Array;
}

export interface Size {
  width: number;
  height: number;
}

/**
 * Decodes any image sharp reads (JPEG, PNG, WebP, TIFF, GIF...) or an uncompressed BMP into
 * 8-bit grayscale, honouring EXIF orientation. Transparent pixels are composited onto white,
 * as an image viewer shows them. With `size`, the result is scaled to cover it and
 * centre-cropped, so a face keeps its proportions. Any failure names the file.
 */
export async function decodeGray(bytes: Uint8Array, file: string, size?: Size): Promise<GrayImage> {
  let input: Sharp;
  if (isBmp(bytes)) {
    const bmp = decodeBmp(bytes, { maxPixels: MAX_IMAGE_PIXELS, background: 255, file });
    input = sharp(bmp.rgb, { raw: { width: bmp.width, height: bmp.height, channels: 3 } });
  } else {
    input = sharp(bytes, { autoOrient: true });
  }
  let image: GrayImage;
  try {
    const { data, info } = await input.flatten({ background: '#ffffff' }).grayscale().raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    image = { width: info.width, height: info.height, data: asBytes(data) };
    if (info.channels !== 1) throw new Error(`decoder returned ${info.channels} channels`);
  } catch (e) {
    // First line only: libvips' error buffer is shared by the process, so later lines can be
    // another decode's errors (seen: a GIF's, when test files ran side by side).
    const detail = (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
    throw new FerError(`not a readable image (${detail})`, { file, cause: e });
  }
  if (!size || (size.width === image.width && size.height === image.height)) return image;
  const resized = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize(size.width, size.height, { fit: 'cover' })
    .toColourspace('b-w') // raw one-channel input would otherwise come back as sRGB
    .raw()
    .toBuffer();
  return { ...size, data: asBytes(resized) };
}

function asBytes(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
