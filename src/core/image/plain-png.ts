/**
 * A fast path for the commonest PNG photos: 8-bit gray or RGB, no alpha, not
 * interlaced. Why: sharp decoded the 512 x 512 benchmark photo in ~12-14 ms
 * where cv2.imread takes ~4, and decoding is the first step of every
 * prediction; Node's zlib plus the loops below take ~7 ms (the bench's read +
 * decode stage went 17.2 -> 13-14 ms, bench/predict.ts).
 *
 * It only ever answers for files it fully understands: any other layout, an
 * unknown chunk, a bad CRC, a short or corrupt stream returns null, and sharp
 * decodes the file (or refuses it) as before. Tested pixel-identical to sharp.
 */
import zlib from 'node:zlib';

export interface PlainPng {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** The pixels themselves for a gray PNG (no need to derive luma from RGB); absent for RGB. */
  gray?: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/**
 * Chunks that do not change the pixels sharp returns for gray/RGB without
 * alpha: PLTE is only a suggestion there, bKGD only applies to alpha, and
 * sharp leaves iCCP/sRGB-tagged pixels as they are (tested). Anything else
 * (eXIf orientation, tRNS transparency, gAMA, animation, ...) goes to sharp.
 */
const HARMLESS = new Set(['PLTE', 'iCCP', 'sRGB', 'pHYs', 'tIME', 'tEXt', 'zTXt', 'iTXt', 'bKGD']);

/** Decoded pixels as RGB (and gray for a gray PNG), or null: "let sharp do it". */
export function decodePlainPng(bytes: Uint8Array, maxPixels: number): PlainPng | null {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let header: { width: number; height: number; channels: number } | null = null;
  let ended = false;
  for (let o = 8; o + 12 <= bytes.length && !ended;) {
    const len = view.getUint32(o);
    const end = o + 12 + len;
    if (end > bytes.length) return null;
    const type = String.fromCharCode(bytes[o + 4], bytes[o + 5], bytes[o + 6], bytes[o + 7]);
    if (zlib.crc32(bytes.subarray(o + 4, o + 8 + len)) !== view.getUint32(o + 8 + len)) return null;
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') header = plainHeader(data);
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    else if (!HARMLESS.has(type)) return null;
    if (!header) return null; // IHDR must come first, and be a layout this path handles
    o = end;
  }
  if (!header || !ended || idat.length === 0 || header.width * header.height > maxPixels) return null;
  const { width, height, channels } = header;
  const stride = width * channels;
  let raw: Uint8Array;
  try {
    const inflated = zlib.inflateSync(Buffer.concat(idat));
    raw = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length); // a plain view: Buffer's element access is slower
  } catch {
    return null;
  }
  if (raw.length !== height * (stride + 1)) return null;
  const px = unfilter(raw, width, height, channels);
  if (!px) return null;
  return channels === 3 ? { width, height, rgb: px } : { width, height, rgb: grayToRgb(px), gray: px };
}

function plainHeader(d: Uint8Array): { width: number; height: number; channels: number } | null {
  if (d.length !== 13) return null;
  const v = new DataView(d.buffer, d.byteOffset, 13);
  const [depth, colour, compression, filter, interlace] = d.subarray(8);
  if (depth !== 8 || (colour !== 0 && colour !== 2) || compression !== 0 || filter !== 0 || interlace !== 0)
    return null;
  const width = v.getUint32(0);
  const height = v.getUint32(4);
  return width > 0 && height > 0 ? { width, height, channels: colour === 2 ? 3 : 1 } : null;
}

/**
 * PNG's five row filters undone into a new buffer; null on an unknown filter
 * type. One loop per filter over flat indices: per-row views and a per-byte
 * branch on the filter type each cost V8 a multiple of this.
 */
function unfilter(raw: Uint8Array, width: number, height: number, bpp: number): Uint8Array | null {
  const stride = width * bpp;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const s = y * (stride + 1) + 1; // this row's filtered bytes in raw
    const d = y * stride; // this row in out
    const u = d - stride; // the row above in out
    const filter = raw[s - 1];
    if (filter > 4) return null;
    if (filter === 0 || (y === 0 && filter === 2)) {
      // the row above the first is zeros
      out.set(raw.subarray(s, s + stride), d);
    } else if (filter === 1 || (y === 0 && filter === 4)) {
      // Paeth with up = upLeft = 0 picks left
      for (let x = 0; x < bpp; x++) out[d + x] = raw[s + x];
      for (let x = bpp; x < stride; x++) out[d + x] = raw[s + x] + out[d + x - bpp];
    } else if (filter === 2) {
      for (let x = 0; x < stride; x++) out[d + x] = raw[s + x] + out[u + x];
    } else if (filter === 3) {
      if (y === 0) {
        for (let x = 0; x < bpp; x++) out[d + x] = raw[s + x];
        for (let x = bpp; x < stride; x++) out[d + x] = raw[s + x] + (out[d + x - bpp] >> 1);
      } else {
        for (let x = 0; x < bpp; x++) out[d + x] = raw[s + x] + (out[u + x] >> 1);
        for (let x = bpp; x < stride; x++) out[d + x] = raw[s + x] + ((out[d + x - bpp] + out[u + x]) >> 1);
      }
    } else {
      for (let x = 0; x < bpp; x++) out[d + x] = raw[s + x] + out[u + x];
      for (let x = bpp; x < stride; x++)
        out[d + x] = raw[s + x] + paeth(out[d + x - bpp], out[u + x], out[u + x - bpp]);
    }
  }
  return out;
}

/**
 * Paeth's predictor (left a, up b, up-left c), branch-free: on photos which of the three
 * it picks is close to random, and mispredicted branches made the plain version ~20 % slower.
 */
function paeth(a: number, b: number, c: number): number {
  const db = b - c;
  const da = a - c;
  const dab = da + db;
  const pa = (db ^ (db >> 31)) - (db >> 31); // |b - c| = |p - a| for p = a + b - c
  const pb = (da ^ (da >> 31)) - (da >> 31); // |a - c| = |p - b|
  const pc = (dab ^ (dab >> 31)) - (dab >> 31); // |a + b - 2c| = |p - c|
  const pickA = (((pb - pa) | (pc - pa)) >>> 31) ^ 1; // pa <= pb && pa <= pc
  const pickB = ((pc - pb) >>> 31) ^ 1; // pb <= pc
  const bOrC = c + ((b - c) & -pickB);
  return bOrC + ((a - bOrC) & -pickA);
}

function grayToRgb(gray: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(gray.length * 3);
  for (let i = 0, j = 0; i < gray.length; i++, j += 3) rgb[j] = rgb[j + 1] = rgb[j + 2] = gray[i];
  return rgb;
}
