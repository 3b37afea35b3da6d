/** fast-check inputs for parseNpy: random bytes, random headers, and mutated valid files. */
import fc from 'fast-check';
import { writeNpy } from '../../src/core/dataset/npy.ts';
import { npyBytes } from '../core/dataset/npy-bytes.ts';
import { mutated } from './mutate.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

const DTYPES = [
  '|u1',
  '<u1',
  '|i1',
  '|b1',
  '<u2',
  '<i2',
  '<u4',
  '<i4',
  '<u8',
  '<i8',
  '<f4',
  '<f8',
  '>f8',
  '>i4',
  '=f4',
  '|O',
  '<c8',
  '<c16',
  '<U4',
  '|S3',
  '<M8',
  '<f2',
  'f4',
  '<f',
  '',
  "'",
  "<f4'",
];

/** Shape text: mostly plausible, sometimes absurd (huge, negative, non-numeric, long-suffixed). */
const dimArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 6 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('99999999999', '1e3', '-1', '3L', ' ', 'x', '9'.repeat(400), '0x10', '2.5') },
);
const shapeArb = fc.array(dimArb, { maxLength: 5 }).map((d) => (d.length === 1 ? `(${d[0]},)` : `(${d.join(', ')})`));

export function npyArbitraries() {
  const random = fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    // Past the magic check, so the version/length/header code sees the random bytes.
    fc
      .tuple(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 512 }))
      .map(([v, rest]) => Uint8Array.from([...MAGIC, v, 0, ...rest])),
  );

  const structured = fc
    .record({
      descr: fc.oneof(fc.constantFrom(...DTYPES), fc.string({ maxLength: 6 })),
      fortran: fc.constantFrom('True', 'False', 'false', '1', ''),
      shape: shapeArb,
      version: fc.constantFrom(1, 2, 3),
      payload: fc.uint8Array({ maxLength: 512 }),
      extra: fc.constantFrom('', " 'extra': 1,", "'descr': '<f4',"),
    })
    .map(({ descr, fortran, shape, version, payload, extra }) => {
      const header = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape},${extra} }\n`;
      const pre = version === 1 ? 10 : 12;
      const out = new Uint8Array(pre + header.length + payload.length);
      out.set([...MAGIC, version, 0]);
      const dv = new DataView(out.buffer);
      if (version === 1) dv.setUint16(8, header.length, true);
      else dv.setUint32(8, header.length, true);
      for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i) & 0xff;
      out.set(payload, pre + header.length);
      return out;
    });

  const bases = [
    writeNpy(
      Uint8Array.from({ length: 4 * 8 * 8 }, (_, i) => i),
      [4, 8, 8],
      'u1',
    ),
    writeNpy(
      Float32Array.from({ length: 15 }, (_, i) => i / 15),
      [3, 5],
      'f4',
    ),
    writeNpy(Uint8Array.from([0, 1, 2, 6]), [4], 'u1'),
    npyBytes('<i8', [2], new Uint8Array(16)),
    npyBytes('<f8', [2, 2, 2, 1], new Uint8Array(64), { version: 2 }),
  ];
  return { random, structured, mutated: mutated(bases) };
}
