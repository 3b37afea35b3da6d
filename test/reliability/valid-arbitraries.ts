/**
 * Well-formed inputs for parser-fuzz.ts, with the values they hold: each must parse, to exactly
 * those values. Without them the fuzz run would pass a parser that refused every file.
 */
import fc from 'fast-check';
import { writeNpy } from '../../src/core/dataset/npy.ts';

export interface ValidNpy {
  bytes: Uint8Array;
  shape: number[];
  values: Uint8Array | Float32Array;
}
export interface ValidCsv {
  bytes: Uint8Array;
  images: Uint8Array;
  emotions: number[];
}

export const validNpy = fc
  .record({
    shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
    float: fc.boolean(),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ shape, float, seed }): ValidNpy => {
    const count = shape.reduce((a, b) => a * b, 1);
    const values = float
      ? Float32Array.from({ length: count }, (_, i) => (i * 0.37 + seed) / 7)
      : Uint8Array.from({ length: count }, (_, i) => (i * 31 + seed) % 256);
    return { bytes: writeNpy(values, shape, float ? 'f4' : 'u1'), shape, values };
  });

const USAGES = ['Training', 'PublicTest', 'PrivateTest'];

export const validCsv = fc
  .tuple(
    fc.constantFrom(2, 3, 4),
    fc.array(
      fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 255 })),
      { minLength: 1, maxLength: 6 },
    ),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([side, rows, eol]): ValidCsv => {
    const n = side * side;
    const images = new Uint8Array(rows.length * n);
    const lines = rows.map(([emotion, usage, seed], r) => {
      for (let i = 0; i < n; i++) images[r * n + i] = (seed + i * 53) % 256;
      return `${emotion},${Array.from(images.subarray(r * n, (r + 1) * n)).join(' ')},${USAGES[usage]}`;
    });
    return {
      bytes: new TextEncoder().encode(['emotion,pixels,Usage', ...lines].join(eol) + eol),
      images,
      emotions: rows.map(([e]) => e),
    };
  });
