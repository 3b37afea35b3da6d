/**
 * Broken datasets for the reliability corpus: .npy pairs (each case in its own folder, so the
 * Y file is found beside X), fer2013-style CSV files and image folders. All tiny: 4 images of 8x8.
 */
import { writeNpy } from '../../src/core/dataset/npy.ts';
import { npyBytes } from '../../test/core/dataset/npy-bytes.ts';
import type { Files } from './images.ts';

const N = 4;
const SIDE = 8;
const pixels = (): Uint8Array => Uint8Array.from({ length: N * SIDE * SIDE }, (_, i) => (i * 37) % 256);
const goodX = (): Uint8Array => writeNpy(pixels(), [N, SIDE, SIDE], 'u1');
const goodY = (): Uint8Array => writeNpy(Uint8Array.from([0, 3, 4, 6]), [N], 'u1');
const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const f32 = (values: number[]): Uint8Array => bytes(Float32Array.from(values));
const floatPixels = (patch: (a: Float32Array) => void): Uint8Array => {
  const a = Float32Array.from(pixels(), (v) => v / 255);
  patch(a);
  return npyBytes('<f4', [N, SIDE, SIDE], bytes(a));
};
const oneHot = (rows: number[][]): Uint8Array => npyBytes('<f4', [rows.length, 7], f32(rows.flat()));
const hot = (k: number): number[] => Array.from({ length: 7 }, (_, j) => (j === k ? 1 : 0));

/** A version-1 .npy with exactly this header text (for shapes npyBytes cannot print). */
function rawNpy(header: string, payload: Uint8Array): Uint8Array {
  const text = header.padEnd(header.length + ((64 - ((10 + header.length + 1) % 64)) % 64)) + '\n';
  const out = new Uint8Array(10 + text.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out.set(payload, 10 + text.length);
  return out;
}

/** An X/Y pair in folder `name`; either side replaced by the broken bytes. */
function pair(name: string, x: Uint8Array | string | null, y: Uint8Array | string | null = goodY()): Files {
  const files: Files = {};
  if (x !== null) files[`${name}/X.npy`] = x;
  if (y !== null) files[`${name}/Y.npy`] = y;
  return files;
}

function npyFiles(): Files {
  const x = goodX();
  const withHeader = (header: string): Uint8Array => {
    const out = new Uint8Array(x.length);
    out.set(x);
    for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
    return out;
  };
  const xHeaderLen = new DataView(x.buffer).getUint16(8, true);
  const badVersion = x.slice();
  badVersion[6] = 9;
  const hugeHeader = x.slice();
  new DataView(hugeHeader.buffer).setUint16(8, 65535, true);
  return {
    ...pair('npy-truncated-data', x.subarray(0, x.length - 100)),
    ...pair('npy-truncated-header', x.subarray(0, 40)),
    ...pair('npy-magic-only', x.subarray(0, 7)),
    ...pair('npy-header-length-too-big', hugeHeader),
    ...pair('npy-wrong-magic', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(60)])),
    ...pair('npy-text-file', 'X,Y\n1,2\n'),
    ...pair('npy-bad-version', badVersion),
    ...pair('npy-object-dtype', npyBytes('|O', [N], new Uint8Array(8 * N))),
    ...pair('npy-float64-big-endian', npyBytes('>f8', [N, SIDE, SIDE], new Uint8Array(8 * N * SIDE * SIDE))),
    ...pair('npy-complex', npyBytes('<c8', [N, SIDE, SIDE], new Uint8Array(8 * N * SIDE * SIDE))),
    ...pair('npy-unicode', npyBytes('<U4', [N], new Uint8Array(16 * N))),
    ...pair(
      'npy-structured',
      withHeader(`{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4, 8, 8), }`.padEnd(xHeaderLen - 1)),
    ),
    ...pair(
      'npy-infinite-dimension',
      rawNpy(`{'descr': '|u1', 'fortran_order': False, 'shape': (${'9'.repeat(400)}, 0), }`, new Uint8Array(0)),
    ),
    ...pair('npy-no-shape', withHeader(`{'descr': '|u1', 'fortran_order': False, }`.padEnd(xHeaderLen - 1))),
    ...pair('npy-fortran-order', npyBytes('|u1', [N, SIDE, SIDE], pixels(), { fortran: true })),
    ...pair(
      'npy-nan-pixels',
      floatPixels((a) => {
        a[77] = NaN;
      }),
    ),
    ...pair(
      'npy-inf-pixels',
      floatPixels((a) => {
        a[200] = Infinity;
      }),
    ),
    ...pair(
      'npy-pixels-out-of-range',
      floatPixels((a) => {
        a[3] = 300;
      }),
    ),
    ...pair('npy-trailing-bytes', Buffer.concat([x, Buffer.alloc(5)])),
    ...pair('npy-not-square', writeNpy(new Uint8Array(N * 7), [N, 7], 'u1')),
    ...pair('npy-five-channels', writeNpy(new Uint8Array(N * 4 * 4 * 5), [N, 4, 4, 5], 'u1')),
    ...pair(
      'npy-zero-images',
      writeNpy(new Uint8Array(0), [0, SIDE, SIDE], 'u1'),
      writeNpy(new Uint8Array(0), [0], 'u1'),
    ),
    ...pair('npy-length-mismatch', x, writeNpy(Uint8Array.from([0, 1, 2]), [3], 'u1')),
    ...pair('npy-label-out-of-range', x, writeNpy(Uint8Array.from([0, 1, 9, 2]), [N], 'u1')),
    ...pair('npy-label-negative', x, npyBytes('<i4', [N], bytes(Int32Array.from([0, -1, 2, 3])))),
    ...pair('npy-label-fraction', x, npyBytes('<f4', [N], f32([0, 1.5, 2, 3]))),
    ...pair('npy-one-hot-two-ones', x, oneHot([hot(0), hot(1), [1, 1, 0, 0, 0, 0, 0], hot(3)])),
    ...pair('npy-one-hot-zero-row', x, oneHot([hot(0), hot(1), hot(2), new Array<number>(7).fill(0)])),
    ...pair('npy-one-hot-soft', x, oneHot([hot(0), [0.5, 0.5, 0, 0, 0, 0, 0], hot(2), hot(3)])),
    ...pair(
      'npy-one-hot-wrong-width',
      x,
      npyBytes('<f4', [N, 5], f32([hot(0), hot(1), hot(2), hot(3)].map((r) => r.slice(0, 5)).flat())),
    ),
    ...pair('npy-empty-x', new Uint8Array(0)),
    ...pair('npy-empty-y', x, new Uint8Array(0)),
    ...pair('npy-missing-y', x, null),
    ...pair('npy-y-is-folder', x, null),
    'npy-y-is-folder/Y.npy/.gitkeep': '',
    ...pair('npy-bad-labels-json', x),
    'npy-bad-labels-json/labels.json': '["angry", "happy",',
    ...pair('npy-labels-json-too-few', x),
    'npy-labels-json-too-few/labels.json': '["angry"]',
    'npy-no-x-token/images.npy': x,
  };
}

const HEADER = 'emotion,pixels,Usage\n';
const row = (emotion: number | string, px: string, usage = 'Training'): string => `${emotion},${px},${usage}\n`;
const px16 = Array.from({ length: 16 }, (_, i) => i * 16).join(' '); // a 4x4 image

function csvFiles(): Files {
  const ok = row(3, px16);
  return {
    'csv-empty.csv': '',
    'csv-header-only.csv': HEADER,
    'csv-missing-pixels-column.csv': `emotion,Usage\n3,Training\n`,
    'csv-wrong-header.csv': `label,image,split\n${ok}`,
    'csv-short-row.csv': HEADER + ok + row(2, px16.split(' ').slice(0, 12).join(' ')),
    'csv-long-row.csv': HEADER + ok + row(2, `${px16} 7 7`),
    'csv-non-numeric-pixels.csv': HEADER + ok + row(1, px16.replace('32', 'x32')),
    'csv-negative-pixel.csv': HEADER + row(1, px16.replace(' 32', ' -32')),
    'csv-pixel-over-255.csv': HEADER + ok + row(1, px16.replace('32', '256')),
    'csv-unknown-usage.csv': HEADER + ok + row(2, px16, 'Validation'),
    'csv-emotion-out-of-range.csv': HEADER + ok + row(7, px16),
    'csv-emotion-not-a-number.csv': HEADER + ok + row('happy', px16),
    'csv-missing-field.csv': HEADER + ok + `4,${px16}\n`,
    'csv-not-square.csv': HEADER + row(0, '1 2 3 4 5 6 7 8 9 10'),
    'csv-no-pixels.csv': HEADER + row(0, ''),
    'csv-unterminated-quote.csv': HEADER + ok + `5,"${px16},Training\n`,
    'csv-binary.csv': Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe,
    ]),
    'not-a-dataset.txt': 'emotion,pixels\n',
  };
}

/** Image folders: `tinyPng` is a valid 8x8 PNG. */
function folderFiles(tinyPng: Uint8Array): Files {
  return {
    'folder-no-class-folders/README.txt': 'no images here\n',
    'folder-no-images/angry/notes.txt': 'not an image\n',
    'folder-no-images/happy/notes.txt': 'not an image\n',
    'folder-fake-jpg/angry/a.png': tinyPng,
    'folder-fake-jpg/happy/b.jpg': 'GIF89a? no, just text named .jpg\n',
    'folder-one-class/happy/a.png': tinyPng,
    'folder-one-class/happy/b.png': tinyPng,
    'folder-mixed-splits/train/angry/a.png': tinyPng,
    'folder-mixed-splits/train/happy/a.png': tinyPng,
    'folder-mixed-splits/angry/a.png': tinyPng,
    'folder-duplicate-class/disgust/a.png': tinyPng,
    'folder-duplicate-class/disgusted/a.png': tinyPng,
    'folder-truncated-image/angry/a.png': tinyPng,
    'folder-truncated-image/sad/b.png': tinyPng.subarray(0, tinyPng.length - 30),
    'folder-split-without-classes/train/a.png': tinyPng,
    'folder-split-without-classes/test/b.png': tinyPng,
  };
}

export function datasetFiles(tinyPng: Uint8Array): Files {
  return { ...npyFiles(), ...csvFiles(), ...folderFiles(tinyPng) };
}
