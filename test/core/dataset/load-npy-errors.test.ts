import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNpyDataset } from '../../../src/core/dataset/load-npy.ts';
import { writeNpy } from '../../../src/core/dataset/npy.ts';
import { FerError } from '../../../src/core/errors.ts';
import { bytesOf, npyBytes } from './npy-bytes.ts';
import { errorOf, tempDir } from './paths.ts';

let root: string;
beforeAll(async () => {
  root = await tempDir();
});

/** Writes X.npy / Y.npy (and labels.json) into a fresh folder; returns the X path. */
async function pair(name: string, x: Uint8Array, y: Uint8Array | null, labels?: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  await writeFile(join(dir, 'X.npy'), x);
  if (y) await writeFile(join(dir, 'Y.npy'), y);
  if (labels !== undefined) await writeFile(join(dir, 'labels.json'), labels);
  return join(dir, 'X.npy');
}

const gray = (n: number, side = 2): Uint8Array =>
  writeNpy(new Uint8Array(n * side * side).fill(7), [n, side, side], 'u1');
const ints = (...v: number[]): Uint8Array => writeNpy(Uint8Array.from(v), [v.length], 'u1');

describe('loadNpyDataset accepts every documented layout', () => {
  it('[N,H,W,1] and flat RGB [N, 3*s*s]', async () => {
    const a = await loadNpyDataset(
      await pair('nhw1', writeNpy(new Uint8Array(2 * 3 * 3), [2, 3, 3, 1], 'u1'), ints(0, 1)),
    );
    expect(a).toMatchObject({ height: 3, width: 3, channels: 1 });
    const b = await loadNpyDataset(await pair('flat-rgb', writeNpy(new Uint8Array(2 * 12), [2, 12], 'u1'), ints(0, 1)));
    expect(b).toMatchObject({ height: 2, width: 2, channels: 3 });
  });

  it('keeps float pixels already in 0..255 and scales 0..1 floats by 255', async () => {
    const f255 = await loadNpyDataset(
      await pair('f255', writeNpy(Float32Array.of(0, 17, 254.6, 3), [1, 2, 2], 'f4'), ints(0)),
    );
    expect(Array.from(f255.images)).toEqual([0, 17, 255, 3]);
    const f1 = await loadNpyDataset(
      await pair('f1', writeNpy(Float32Array.of(0, 0.5, 1, 0.2), [1, 2, 2], 'f4'), ints(0)),
    );
    expect(Array.from(f1.images)).toEqual([0, 128, 255, 51]);
  });

  it('reads [N,1] integer labels and int16 pixels', async () => {
    const x = npyBytes('<i2', [2, 1, 1], bytesOf(Int16Array.of(12, 255)));
    const ds = await loadNpyDataset(await pair('n1', x, npyBytes('<i4', [2, 1], bytesOf(Int32Array.of(6, 2)))));
    expect(Array.from(ds.images)).toEqual([12, 255]);
    expect(Array.from(ds.labels)).toEqual([6, 2]);
  });
});

describe('loadNpyDataset rejects bad input with a FerError naming the file', () => {
  const cases: [string, () => Promise<string>, string, RegExp][] = [
    ['missing Y', () => pair('no-y', gray(2), null), 'Y.npy', /labels file .*not found/],
    ['length mismatch', () => pair('len', gray(3), ints(0, 1)), 'Y.npy', /2 labels for 3 images/],
    [
      'labels out of range',
      () => pair('range', gray(2), ints(0, 7)),
      'Y.npy',
      /label 7 at row 1 is not a class index 0\.\.6/,
    ],
    [
      'non-integer labels',
      () => pair('frac', gray(1), writeNpy(Float32Array.of(1.5), [1], 'f4')),
      'Y.npy',
      /label 1.5/,
    ],
    [
      'a row with two ones',
      () => pair('two-hot', gray(1), writeNpy(Uint8Array.of(1, 1, 0), [1, 3], 'u1'), '["a","b","c"]'),
      'Y.npy',
      /row 0 is not one-hot/,
    ],
    [
      'soft labels',
      () => pair('soft', gray(1), writeNpy(Float32Array.of(0.5, 0.5), [1, 2], 'f4'), '["a","b"]'),
      'Y.npy',
      /row 0 is not one-hot/,
    ],
    [
      'an all-zero row',
      () => pair('zero-hot', gray(1), writeNpy(new Uint8Array(7), [1, 7], 'u1')),
      'Y.npy',
      /no column is 1/,
    ],
    [
      'one-hot width unlike the class count',
      () => pair('k', gray(1), writeNpy(Uint8Array.of(1, 0, 0), [1, 3], 'u1')),
      'Y.npy',
      /3 columns but there are 7 class names/,
    ],
    [
      'a 3-d Y',
      () => pair('y3d', gray(1), writeNpy(new Uint8Array(4), [1, 2, 2], 'u1')),
      'Y.npy',
      /expected \[N\] class indices/,
    ],
    [
      'NaN pixels',
      () => pair('nan', writeNpy(Float32Array.of(0, NaN, 1, 1), [1, 2, 2], 'f4'), ints(0)),
      'X.npy',
      /NaN or infinity/,
    ],
    [
      'infinite pixels',
      () => pair('inf', writeNpy(Float32Array.of(0, Infinity, 1, 1), [1, 2, 2], 'f4'), ints(0)),
      'X.npy',
      /NaN or infinity/,
    ],
    [
      'negative float pixels',
      () => pair('neg', writeNpy(Float32Array.of(-0.5, 0, 1, 1), [1, 2, 2], 'f4'), ints(0)),
      'X.npy',
      /range from -0.5 to 1/,
    ],
    [
      'float pixels above 255',
      () => pair('big', writeNpy(Float32Array.of(0, 300, 1, 1), [1, 2, 2], 'f4'), ints(0)),
      'X.npy',
      /expected 0\.\.1 or 0\.\.255/,
    ],
    [
      'int pixels above 255',
      () => pair('i2', npyBytes('<i2', [1, 1, 1], bytesOf(Int16Array.of(300))), ints(0)),
      'X.npy',
      /300 at image 0/,
    ],
    [
      'a non-square flat row',
      () => pair('flat5', writeNpy(new Uint8Array(10), [2, 5], 'u1'), ints(0, 1)),
      'X.npy',
      /neither a square nor 3x a square/,
    ],
    [
      'four channels',
      () => pair('rgba', writeNpy(new Uint8Array(16), [1, 2, 2, 4], 'u1'), ints(0)),
      'X.npy',
      /shape \(1, 2, 2, 4\)/,
    ],
    [
      'no images',
      () => pair('empty', writeNpy(new Uint8Array(0), [0, 2, 2], 'u1'), writeNpy(new Uint8Array(0), [0], 'u1')),
      'X.npy',
      /no images/,
    ],
    [
      'an object-dtype X',
      () => pair('obj', npyBytes('|O', [1], new Uint8Array(8)), ints(0)),
      'X.npy',
      /Python objects/,
    ],
    ['a big-endian Y', () => pair('be', gray(1), npyBytes('>i4', [1], new Uint8Array(4))), 'Y.npy', /big-endian/],
    ['a corrupt Y', () => pair('corrupt', gray(1), new TextEncoder().encode('0\n')), 'Y.npy', /not a \.npy file/],
    ['invalid labels.json', () => pair('badjson', gray(1), ints(0), '["a", "b"'), 'labels.json', /not valid JSON/],
    [
      'labels.json that is not a list',
      () => pair('objjson', gray(1), ints(0), '{"a": 1}'),
      'labels.json',
      /JSON array/,
    ],
    [
      'labels.json naming a class twice',
      () => pair('dup', gray(1), ints(0), '["disgust", "Disgusted"]'),
      'labels.json',
      /"disgust" twice/,
    ],
  ];
  for (const [what, make, file, message] of cases) {
    it(`rejects ${what}`, async () => {
      const x = await make();
      const e = await errorOf(loadNpyDataset(x));
      expect(e).toBeInstanceOf(FerError);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(join(x, '..', file) + ': ')).toBe(true);
    });
  }

  it('marks a missing X or Y as not-found', async () => {
    const e = (await errorOf(loadNpyDataset(join(root, 'nowhere', 'X.npy')))) as FerError;
    expect(e.kind).toBe('not-found');
    expect(e.message).toContain(join(root, 'nowhere', 'X.npy'));
  });
});
