import { FerError, throwIfCancelled } from '../errors.ts';
import type { TaskOptions } from '../task.ts';
import { readInputFile } from './read-input.ts';
import { FER_CLASSES, SPLIT, type Dataset } from './types.ts';

const LF = 10,
  CR = 13,
  COMMA = 44,
  QUOTE = 34,
  SPACE = 32,
  TAB = 9,
  ZERO = 48,
  NINE = 57;
const USAGE_SPLITS: Readonly<Record<string, number>> = {
  training: SPLIT.train,
  publictest: SPLIT.validation,
  privatetest: SPLIT.test,
};
const ROWS_PER_REPORT = 2000;
const utf8 = new TextDecoder(); // drops a UTF-8 BOM at the start of the header

const isDelimiter = (c: number | undefined): boolean =>
  c === undefined || c === COMMA || c === QUOTE || c === CR || c === LF;

/**
 * Loads Kaggle's fer2013.csv (`emotion,pixels,Usage`; columns found by header name, Usage optional).
 * The bytes are scanned directly, digits accumulated straight into the image buffer: no per-row
 * strings or split(' ') arrays, which is what makes the 300 MB original load in seconds.
 */
export async function loadCsvDataset(path: string, opts: TaskOptions = {}): Promise<Dataset> {
  const { onProgress, signal } = opts;
  throwIfCancelled(signal);
  const b = await readInputFile(path, 'CSV file');
  const len = b.length;
  const fail = (line: number, problem: string): FerError => new FerError(`line ${line}: ${problem}`, { file: path });
  if (len === 0) throw new FerError('empty file: expected a header "emotion,pixels,Usage" and rows', { file: path });

  let headerEnd = b.indexOf(LF);
  if (headerEnd < 0) headerEnd = len;
  const columns = utf8
    .decode(b.subarray(0, headerEnd))
    .split(',')
    .map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  const emotionCol = columns.indexOf('emotion');
  const pixelsCol = columns.indexOf('pixels');
  const usageCol = columns.indexOf('usage');
  if (emotionCol < 0 || pixelsCol < 0) {
    throw fail(
      1,
      `the header must name the columns "emotion" and "pixels" (and optionally "Usage"); found "${columns.join(',')}"`,
    );
  }
  const lastCol = Math.max(emotionCol, pixelsCol, usageCol);

  let maxRows = 0;
  for (let p = b.indexOf(LF, headerEnd + 1); p >= 0; p = b.indexOf(LF, p + 1)) maxRows++;
  if (len > headerEnd + 1 && b[len - 1] !== LF) maxRows++;

  let perImage = 0; // pixel count per row, fixed by the first row
  let images = new Uint8Array(0);
  const labels = new Uint8Array(maxRows);
  const split = usageCol >= 0 ? new Uint8Array(maxRows) : null;
  let n = 0;
  let line = 1;
  let pos = headerEnd + 1;

  while (pos < len) {
    line++;
    if (b[pos] === LF || (b[pos] === CR && b[pos + 1] === LF)) {
      // blank line
      pos += b[pos] === LF ? 1 : 2;
      continue;
    }
    if (n === 0) {
      // size the image buffer from the first row: its pixel field is shorter than the line
      const eol = b.indexOf(LF, pos);
      images = new Uint8Array((eol < 0 ? len : eol) - pos);
    }
    let emotion = -1;
    let pixels = -1;
    let field = 0;
    for (;;) {
      const quoted = b[pos] === QUOTE;
      if (quoted) pos++;
      const start = pos;
      if (field === pixelsCol) {
        pos = scanPixels(b, pos, images, n * perImage, n === 0 ? images.length : perImage);
        if (scan.max > 255) throw fail(line, `pixel value ${scan.max} is outside 0..255`);
        if (!isDelimiter(b[pos]))
          throw fail(line, `pixels must be numbers 0..255 separated by spaces; found "${snippet(b, pos)}"`);
        pixels = scan.count;
      } else {
        while (!isDelimiter(b[pos])) pos++;
        if (field === emotionCol || field === usageCol) {
          const text = utf8.decode(b.subarray(start, pos)).trim();
          if (field === emotionCol) {
            emotion = /^\d+$/.test(text) ? Number(text) : -1;
            if (emotion < 0 || emotion >= FER_CLASSES.length) {
              throw fail(line, `emotion "${text}" is not a FER2013 class index 0..${FER_CLASSES.length - 1}`);
            }
          } else if (split) {
            const code = USAGE_SPLITS[text.toLowerCase()];
            if (code === undefined) throw fail(line, `Usage "${text}" is not Training, PublicTest or PrivateTest`);
            split[n] = code;
          }
        }
      }
      if (quoted) {
        if (b[pos] !== QUOTE) throw fail(line, 'unterminated quoted field');
        pos++;
      }
      if (b[pos] !== COMMA) break;
      pos++;
      field++;
    }
    if (b[pos] === CR) pos++;
    if (pos < len && b[pos] !== LF) throw fail(line, `unexpected "${snippet(b, pos)}" in a field`);
    pos++;
    if (field < lastCol) throw fail(line, `expected ${columns.length} columns, found ${field + 1}`);

    if (n === 0) {
      perImage = pixels;
      const side = Math.round(Math.sqrt(perImage));
      if (perImage === 0 || side * side !== perImage)
        throw fail(line, `${perImage} pixel values do not form a square image (48x48 = 2304)`);
      const first = images.subarray(0, perImage);
      images = new Uint8Array(maxRows * perImage);
      images.set(first);
    } else if (pixels !== perImage) {
      throw fail(line, `${pixels} pixel values, expected ${perImage} like the first row`);
    }
    labels[n] = emotion;
    n++;
    if (n % ROWS_PER_REPORT === 0) {
      onProgress?.({ stage: 'load', fraction: pos / len, message: `${n} rows` });
      // Yield so a cancel request (and other events) can arrive during a long parse.
      await new Promise<void>((resolve) => setImmediate(resolve));
      throwIfCancelled(signal);
    }
  }
  if (n === 0) throw new FerError('no data rows after the header', { file: path });
  onProgress?.({ stage: 'load', fraction: 1, message: `${n} rows` });
  const side = Math.round(Math.sqrt(perImage));
  const trim = <T extends Uint8Array>(a: T, size: number): Uint8Array => (a.length === size ? a : a.slice(0, size));
  return {
    format: 'csv',
    source: path,
    classes: [...FER_CLASSES],
    count: n,
    height: side,
    width: side,
    channels: 1,
    images: trim(images, n * perImage),
    labels: trim(labels, n),
    split: split ? trim(split, n) : null,
  };
}

/** Results of scanPixels beyond the returned position; module state avoids an allocation per row. */
const scan = { count: 0, max: 0 };

/**
 * Parses space-separated decimal numbers from `pos` until any other byte, writing at most `limit`
 * of them at `out[base...]`. Kept small and monomorphic so V8 optimises the hot loop.
 */
function scanPixels(b: Uint8Array, pos: number, out: Uint8Array, base: number, limit: number): number {
  const len = b.length;
  let v = 0,
    inNum = false,
    count = 0,
    max = 0;
  for (; pos < len; pos++) {
    const c = b[pos];
    if (c >= ZERO && c <= NINE) {
      v = v * 10 + c - ZERO;
      inNum = true;
    } else if (c === SPACE || c === TAB) {
      if (inNum) {
        if (count < limit) out[base + count] = v;
        if (v > max) max = v;
        count++;
        v = 0;
        inNum = false;
      }
    } else break;
  }
  if (inNum) {
    if (count < limit) out[base + count] = v;
    if (v > max) max = v;
    count++;
  }
  scan.count = count;
  scan.max = max;
  return pos;
}

function snippet(b: Uint8Array, pos: number): string {
  return utf8.decode(b.subarray(pos, Math.min(pos + 12, b.length))).split(/[\r\n,]/)[0];
}
