/**
 * Decodes any common photo into upright 8-bit RGB and gray, refusing what is
 * not an image or is too large to decode safely. Every failure is a FerError
 * naming the file; no sharp/libvips error escapes unwrapped.
 */
import { stat, readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { FerError } from '../errors.ts';
import { decodeBmp, isBmp } from './bmp.ts';
import { rgbToGray } from './gray.ts';
import { MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS, pixelLimitError } from './limits.ts';
import { decodePlainPng } from './plain-png.ts';

export { MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS } from './limits.ts';

export interface DecodedImage {
  width: number;
  height: number;
  /** width*height luma, BT.601 weights (as OpenCV's RGB2GRAY). */
  gray: Uint8Array;
  /** width*height*3, RGB interleaved. */
  rgb: Uint8Array;
}

export interface DecodeOptions {
  /** Pixel limit; default MAX_IMAGE_PIXELS. */
  maxPixels?: number;
  /** Colour transparent areas become. Default white (what viewers show). */
  background?: 'white' | 'black';
  /** Name used in error messages when `input` is bytes. */
  file?: string;
}

// Raster formats only: sharp would also render SVG (a document format that can reference other files).
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);
const NOT_AN_IMAGE = 'not an image or unsupported format';

async function readImageFile(path: string): Promise<Uint8Array> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new FerError('is a folder, not an image', { file: path });
    if (s.size > MAX_IMAGE_FILE_BYTES) {
      throw new FerError(
        `file is ${Math.round(s.size / 2 ** 20)} MiB, above the ${MAX_IMAGE_FILE_BYTES / 2 ** 20} MiB limit for an image`,
        { file: path },
      );
    }
    // Read ourselves rather than give sharp the path: its cache would keep the file open (locked on Windows).
    return await readFile(path);
  } catch (e) {
    if (e instanceof FerError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FerError('file not found', { kind: 'not-found', file: path, cause: e });
    throw new FerError(`cannot read the file (${code ?? String(e)})`, { file: path, cause: e });
  }
}

/** Decodes `input` (bytes or a path): EXIF orientation applied, first frame of animations, alpha flattened. */
export async function decodeImage(input: Uint8Array | string, opts: DecodeOptions = {}): Promise<DecodedImage> {
  const file = typeof input === 'string' ? input : opts.file;
  const maxPixels = opts.maxPixels ?? MAX_IMAGE_PIXELS;
  const bg = opts.background === 'black' ? 0 : 255;
  const bytes = typeof input === 'string' ? await readImageFile(input) : input;
  if (bytes.length === 0) throw new FerError(`${NOT_AN_IMAGE} (empty file)`, { file });

  if (isBmp(bytes)) {
    const { width, height, rgb } = decodeBmp(bytes, { maxPixels, background: bg, file });
    return { width, height, rgb, gray: rgbToGray(rgb) };
  }

  // Header first (cheap, no pixel decode): lets the bomb error state the declared size.
  const meta = await Promise.resolve()
    .then(() => sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata()) // the constructor can throw too
    .catch((e: unknown) => {
      throw new FerError(NOT_AN_IMAGE, { file, cause: e });
    });
  if (!meta.format || !ACCEPTED.has(meta.format)) {
    throw new FerError(`${NOT_AN_IMAGE}${meta.format ? ` (${meta.format})` : ''}`, { file });
  }
  const w = meta.width ?? 0;
  const h = meta.pageHeight ?? meta.height ?? 0;
  if (w * h > maxPixels) throw pixelLimitError(w, h, maxPixels, file);
  const plain = meta.format === 'png' ? decodePlainPng(bytes, maxPixels) : null;
  if (plain)
    return { width: plain.width, height: plain.height, rgb: plain.rgb, gray: plain.gray ?? rgbToGray(plain.rgb) };

  try {
    // limitInputPixels again as a second line of defence; 'truncated' (not
    // 'warning') so the harmless warnings many camera JPEGs trigger are accepted,
    // as in any image viewer, while cut-off files are refused.
    const { data, info } = await sharp(bytes, {
      limitInputPixels: maxPixels,
      failOn: 'truncated',
      autoOrient: true,
      pages: 1,
    })
      .flatten({ background: { r: bg, g: bg, b: bg } })
      .toColourspace('srgb') // CMYK, 16-bit, gray: all become 8-bit sRGB
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(`unexpected decoder output: ${info.width}x${info.height}x${info.channels}`);
    }
    const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { width: info.width, height: info.height, rgb, gray: rgbToGray(rgb) };
  } catch (e) {
    if (e instanceof Error && /pixel limit/i.test(e.message)) throw pixelLimitError(w, h, maxPixels, file);
    throw new FerError(NOT_AN_IMAGE, { file, cause: e });
  }
}
