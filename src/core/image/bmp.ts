/**
 * Minimal Windows BMP decoder. sharp's bundled libvips has no BMP loader, yet
 * BMP is one of the formats users keep face images in. Covers what real files
 * use: 1/4/8-bit palettes, 16-bit (555 or bit fields), 24-bit, 32-bit (with
 * optional alpha), bottom-up or top-down. Compressed (RLE/JPEG/PNG-in-BMP)
 * files are refused with a clear message. Every offset is bounds-checked.
 */
import { FerError } from '../errors.ts';
import { pixelLimitError } from './limits.ts';

export interface BmpOptions {
  maxPixels: number;
  background: number;
  file?: string;
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Decodes to packed RGB (alpha, if any, flattened onto `background` gray level). */
export function decodeBmp(bytes: Uint8Array, opts: BmpOptions): { width: number; height: number; rgb: Uint8Array } {
  const bad = (why: string): FerError =>
    new FerError(`not an image or unsupported format (BMP: ${why})`, { file: opts.file });
  if (bytes.length < 26) throw bad('truncated header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = dv.getUint32(10, true);
  const dib = dv.getUint32(14, true);
  const core = dib === 12;
  if (!core && dib < 40) throw bad(`unknown header size ${dib}`);
  if (bytes.length < 14 + dib) throw bad('truncated header');
  const width = core ? dv.getUint16(18, true) : dv.getInt32(18, true);
  const rawH = core ? dv.getInt16(20, true) : dv.getInt32(22, true);
  const bpp = dv.getUint16(core ? 24 : 28, true);
  const compression = core ? 0 : dv.getUint32(30, true);
  const height = Math.abs(rawH);
  const topDown = rawH < 0;
  if (width < 1 || height < 1) throw bad(`invalid size ${width}x${height}`);
  if (width * height > opts.maxPixels) {
    throw pixelLimitError(width, height, opts.maxPixels, opts.file);
  }
  if (compression !== 0 && compression !== 3 && compression !== 6)
    throw bad(`compression type ${compression} is not supported`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw bad(`${bpp} bits per pixel is not supported`);

  // Channel masks: given explicitly for bit fields, implied otherwise.
  let masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0xff0000, 0x00ff00, 0x0000ff, 0];
  if (compression !== 0) {
    if (bytes.length < 14 + 40 + 16) throw bad('truncated bit fields');
    masks = [0, 1, 2, 3].map((i) => (i < 3 || dib >= 56 || compression === 6 ? dv.getUint32(54 + 4 * i, true) : 0));
  }
  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const entry = core ? 3 : 4;
    const used = core ? 0 : dv.getUint32(46, true);
    const count = Math.min(used || 1 << bpp, 1 << bpp);
    const start = 14 + dib;
    if (start + count * entry > bytes.length) throw bad('truncated palette');
    palette = new Uint8Array(256 * 3); // unused indices stay black rather than reading out of bounds
    for (let i = 0; i < count; i++) {
      const p = start + i * entry;
      palette.set([bytes[p + 2], bytes[p + 1], bytes[p]], i * 3);
    }
  }
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) throw bad('pixel data is truncated');

  const ch = masks.map(maskShift);
  const hasAlpha = bpp === 32 && masks[3] !== 0 && !allAlphaZero(dv, dataOffset, stride, width, height, masks[3]);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const bit = x * bpp;
        const idx = (bytes[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        rgb[o] = palette[idx * 3];
        rgb[o + 1] = palette[idx * 3 + 1];
        rgb[o + 2] = palette[idx * 3 + 2];
        continue;
      }
      const v =
        bpp === 16
          ? dv.getUint16(row + x * 2, true)
          : bpp === 24
            ? bytes[row + x * 3] | (bytes[row + x * 3 + 1] << 8) | (bytes[row + x * 3 + 2] << 16)
            : dv.getUint32(row + x * 4, true);
      const a = hasAlpha ? ((v & masks[3]) >>> ch[3].shift) / ch[3].max : 1;
      for (let c = 0; c < 3; c++) {
        const level = ch[c].max ? (((v & masks[c]) >>> ch[c].shift) * 255) / ch[c].max : 0;
        rgb[o + c] = Math.round(level * a + opts.background * (1 - a));
      }
    }
  }
  return { width, height, rgb };
}

/** Many 32-bit BMPs carry an alpha mask but leave it all zero (meaning "opaque"). */
function allAlphaZero(
  dv: DataView,
  offset: number,
  stride: number,
  width: number,
  height: number,
  mask: number,
): boolean {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if ((dv.getUint32(offset + y * stride + x * 4, true) & mask) !== 0) return false;
  }
  return true;
}
