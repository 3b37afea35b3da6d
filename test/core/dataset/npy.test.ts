import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../../src/core/dataset/npy.ts';
import { FerError } from '../../../src/core/errors.ts';
import { bytesOf, npyBytes } from './npy-bytes.ts';
import { FIXTURES, errorOf } from './paths.ts';

const read = async (rel: string): Promise<Uint8Array> => new Uint8Array(await readFile(join(FIXTURES, rel)));

describe('parseNpy on files written by numpy.save', () => {
  it('reads uint8 images as a view of the file bytes, and int64 labels', async () => {
    const bytes = await read('csv-head/X.npy');
    const x = parseNpy(bytes, 'X.npy');
    expect(x).toMatchObject({ dtype: 'u1', shape: [14, 48, 48], fortranOrder: false });
    expect(x.data).toBeInstanceOf(Uint8Array);
    expect(x.data.buffer).toBe(bytes.buffer); // no copy
    const y = parseNpy(await read('csv-head/Y.npy'), 'Y.npy');
    expect(y.dtype).toBe('i8');
    expect(Array.from(y.data)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  });

  it('reads float32 and float64 arrays', async () => {
    const x = parseNpy(await read('paper-cut/X.txt.npy'), 'X.txt.npy');
    expect(x).toMatchObject({ dtype: 'f4', shape: [3, 2304] });
    expect(x.data).toBeInstanceOf(Float32Array);
    const y = parseNpy(await read('paper-cut/Y.txt.npy'), 'Y.txt.npy');
    expect(y.dtype).toBe('f8');
    expect(Array.from(y.data.slice(0, 7))).toEqual([0, 1, 0, 0, 0, 0, 0]);
  });

  it('copies data that sits at an unaligned offset instead of failing', async () => {
    const file = await read('paper-cut/X.txt.npy');
    const shifted = new Uint8Array(file.length + 1).subarray(1);
    shifted.set(file);
    const a = parseNpy(file, 'a');
    const b = parseNpy(shifted, 'b');
    expect(b.data).toEqual(a.data);
  });
});

describe('writeNpy', () => {
  it('writes files byte-identical to numpy.save (uint8 and float32)', async () => {
    for (const rel of ['csv-head/X.npy', 'paper-cut/X.txt.npy']) {
      const file = await read(rel);
      const a = parseNpy(file, rel);
      const written = writeNpy(a.data as Uint8Array | Float32Array, a.shape, a.dtype as 'u1' | 'f4');
      expect(Buffer.compare(Buffer.from(written), Buffer.from(file))).toBe(0);
    }
  });

  it('round-trips 1-d and odd shapes', () => {
    const f = Float32Array.from({ length: 30 }, (_, i) => i / 7);
    const back = parseNpy(writeNpy(f, [2, 3, 5], 'f4'), 't');
    expect(back.shape).toEqual([2, 3, 5]);
    expect(back.data).toEqual(f);
    expect(parseNpy(writeNpy(new Uint8Array([1, 2, 3]), [3], 'u1'), 't').shape).toEqual([3]);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => writeNpy(new Uint8Array(5), [2, 3], 'u1')).toThrow(/6 values/);
  });
});

describe('parseNpy dtypes', () => {
  const cases: [string, ArrayBufferView, number[]][] = [
    ['|i1', Int8Array.of(-1, 5), [-1, 5]],
    ['|b1', Uint8Array.of(1, 0), [1, 0]],
    ['<i2', Int16Array.of(-300, 7), [-300, 7]],
    ['<u2', Uint16Array.of(60000, 7), [60000, 7]],
    ['<i4', Int32Array.of(-70000, 6), [-70000, 6]],
    ['<i8', BigInt64Array.of(-5n, 6n), [-5, 6]],
    ['<u8', BigUint64Array.of(5n, 6n), [5, 6]],
    ['<f8', Float64Array.of(0.25, -2), [0.25, -2]],
    ['=f4', Float32Array.of(0.5, 2), [0.5, 2]],
  ];
  for (const [descr, data, expected] of cases) {
    it(`reads ${descr}`, () => {
      const a = parseNpy(npyBytes(descr, [2], bytesOf(data)), 'v.npy');
      expect(Array.from(a.data)).toEqual(expected);
    });
  }

  it('reads format version 2 headers', () => {
    const a = parseNpy(npyBytes('|u1', [1, 2], Uint8Array.of(9, 8), { version: 2 }), 'v2.npy');
    expect(a.shape).toEqual([1, 2]);
    expect(Array.from(a.data)).toEqual([9, 8]);
  });
});

describe('parseNpy rejects bad files with a FerError naming the file', () => {
  const good = npyBytes('<f4', [2, 2], new Uint8Array(16));
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /empty file/],
    ['wrong magic', new TextEncoder().encode('1,2,3\n4,5,6\n'), /not a \.npy file/],
    ['a truncated header', good.subarray(0, 40), /truncated \.npy header/],
    ['truncated data', good.subarray(0, good.length - 3), /truncated data.*needs 16 bytes.*has 13/],
    ['trailing garbage', Uint8Array.from([...good, 1, 2]), /2 unexpected bytes/],
    ['object arrays', npyBytes('|O', [2], new Uint8Array(16)), /Python objects/],
    ['big-endian floats', npyBytes('>f8', [2], new Uint8Array(16)), /big-endian dtype '>f8'/],
    ['complex numbers', npyBytes('<c16', [1], new Uint8Array(16)), /unsupported dtype '<c16' \(complex numbers\)/],
    ['strings', npyBytes('<U3', [1], new Uint8Array(12)), /unsupported dtype '<U3' \(unicode strings\)/],
    ['half floats', npyBytes('<f2', [1], new Uint8Array(2)), /unsupported dtype '<f2'/],
    ['Fortran order', npyBytes('<f4', [2, 2], new Uint8Array(16), { fortran: true }), /Fortran \(column-major\) order/],
    ['a file cut inside the preamble', good.subarray(0, 8), /truncated \.npy header/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what}`, async () => {
      const e = await errorOf(() => parseNpy(bytes, '/data/bad.npy'));
      expect(e).toBeInstanceOf(FerError);
      expect(e.message).toMatch(/^\/data\/bad\.npy: /);
      expect(e.message).toMatch(message);
    });
  }

  it('rejects structured (record) dtypes', () => {
    const bytes = npyBytes('<f4', [1], new Uint8Array(4));
    // Buffer's latin1 is byte-exact; TextDecoder('latin1') is windows-1252 on Node 22+ (0x93 becomes U+201C).
    const text = Buffer.from(bytes).toString('latin1').replace("'descr': '<f4'", "'descr': [('a','<f4')]");
    expect(() => parseNpy(Uint8Array.from(Buffer.from(text, 'latin1')), 'r.npy')).toThrow(/structured/);
  });
});
