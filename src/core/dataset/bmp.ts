import { FerError } from '../errors.ts';

/**
 * Decoder for uncompressed Windows BMP files. sharp's bundled libvips has no BMP loader, and
 * the format is simple enough to read directly: 1/4/8-bit palette, 16-bit (5-5-5 or bit
 * fields), 24-bit BGR and 32-bit BGRX/bit-field images, top-down or bottom-up.
 * RLE, JPEG- and PNG-in-BMP are rejected with a clear error instead.
 */
export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved RGB, row-major, top row first. */
  data: Uint8Array;
}

const BI_RGB = 0, BI_BITFIELDS = 3, BI_ALPHABITFIELDS = 6;
const MAX_SIDE = 32768;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

export function decodeBmp(b: Uint8Array, file: string): RgbImage {
  const bad = (problem: string): FerError => new FerError(`BMP image: ${problem}`, { file });
  if (b.length < 30 || !isBmp(b)) throw bad('truncated or not a BMP file');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dataOffset = dv.getUint32(10, true);
  const dibSize = dv.getUint32(14, true);
  const core = dibSize === 12; // OS/2 BITMAPCOREHEADER
  if (!core && (dibSize < 40 || b.length < 14 + 40)) throw bad(`unsupported header size ${dibSize}`);
  const width = core ? dv.getUint16(18, true) : dv.getInt32(18, true);
  const rawHeight = core ? dv.getInt16(20, true) : dv.getInt32(22, true);
  const bpp = dv.getUint16(core ? 24 : 28, true);
  const compression = core ? BI_RGB : dv.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height === 0 || width > MAX_SIDE || height > MAX_SIDE) throw bad(`invalid size ${width}x${height}`);

  let masks: [number, number, number] | null = null;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    if (bpp !== 16 && bpp !== 32) throw bad(`bit-field compression with ${bpp} bits per pixel`);
    masks = [dv.getUint32(54, true), dv.getUint32(58, true), dv.getUint32(62, true)];
  } else if (compression !== BI_RGB) {
    throw bad('compressed BMP (RLE, JPEG or PNG inside) is not supported; save it as PNG or as an uncompressed BMP');
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f];
  }

  let palette: Uint8Array | null = null;
  if (bpp === 1 || bpp === 4 || bpp === 8) {
    const entry = core ? 3 : 4;
    const used = core ? 0 : dv.getUint32(46, true);
    const colours = used > 0 && used <= 1 << bpp ? used : 1 << bpp;
    const start = 14 + dibSize;
    if (start + colours * entry > b.length) throw bad('truncated colour palette');
    palette = new Uint8Array(colours * 3);
    for (let i = 0; i < colours; i++) {
      const at = start + i * entry;
      palette[i * 3] = b[at + 2];
      palette[i * 3 + 1] = b[at + 1];
      palette[i * 3 + 2] = b[at];
    }
  } else if (bpp !== 16 && bpp !== 24 && bpp !== 32) {
    throw bad(`${bpp} bits per pixel is not supported`);
  }

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + stride * height > b.length) throw bad(`truncated pixel data (needs ${dataOffset + stride * height} bytes, file has ${b.length})`);
  const out = new Uint8Array(width * height * 3);
  const channels = masks?.map(maskInfo);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const bit = x * bpp;
        const index = (b[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        if (index * 3 >= palette.length) throw bad(`colour index ${index} outside the ${palette.length / 3}-colour palette`);
        out[o] = palette[index * 3];
        out[o + 1] = palette[index * 3 + 1];
        out[o + 2] = palette[index * 3 + 2];
      } else if (channels) {
        const v = bpp === 16 ? dv.getUint16(row + x * 2, true) : dv.getUint32(row + x * 4, true);
        for (let c = 0; c < 3; c++) out[o + c] = channels[c](v);
      } else {
        const p = row + x * (bpp >> 3); // BGR or BGRX
        out[o] = b[p + 2];
        out[o + 1] = b[p + 1];
        out[o + 2] = b[p];
      }
    }
  }
  return { width, height, data: out };
}

/** Extractor for one bit-field channel, scaled to 0..255. */
function maskInfo(mask: number): (v: number) => number {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (v) => Math.round((((v & mask) >>> shift) * 255) / max);
}
