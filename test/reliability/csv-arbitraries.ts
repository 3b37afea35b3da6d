/** fast-check inputs for the fer2013.csv parser: random bytes, random near-valid documents, mutated valid files. */
import fc from 'fast-check';
import { mutated } from './mutate.ts';

const enc = new TextEncoder();

const pixelsArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(4, 9, 16)
      .chain((n) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n }))
      .map((a) => a.join(' ')),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.integer({ min: 0, max: 999 }).map(String),
          fc.constantFrom('', '-1', 'x', '1.5', '\t', '"', '99999999999999999999'),
        ),
        { maxLength: 20 },
      )
      .map((a) => a.join(' ')),
  },
);
const emotionArb = fc.oneof(
  fc.integer({ min: 0, max: 9 }).map(String),
  fc.constantFrom('', '-1', 'happy', '3.0', ' 3', '"3"'),
);
const usageArb = fc.oneof(
  fc.constantFrom('Training', 'PublicTest', 'PrivateTest', 'training', '', 'Validation', '"Training"'),
  fc.string({ maxLength: 5 }),
);
const rowArb = fc
  .tuple(emotionArb, pixelsArb, usageArb, fc.boolean(), fc.constantFrom('\n', '\r\n', '\n\n', ''))
  .map(([e, p, u, quote, eol]) => `${e},${quote ? `"${p}"` : p},${u}${eol}`);
const headerArb = fc.constantFrom(
  'emotion,pixels,Usage\n',
  'emotion,pixels\n',
  'Usage,pixels,emotion\n',
  '\ufeffemotion,pixels,Usage\r\n',
  '"emotion","pixels","Usage"\n',
  'pixels\n',
  '',
  'emotion,pixels,Usage',
);

export function csvArbitraries() {
  const random = fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    fc.uint8Array({ maxLength: 512 }).map((b) => Uint8Array.from([...enc.encode('emotion,pixels,Usage\n'), ...b])),
  );
  const structured = fc
    .tuple(headerArb, fc.array(rowArb, { maxLength: 6 }))
    .map(([h, rows]) => enc.encode(h + rows.join('')));
  const px = (n: number) => Array.from({ length: n }, (_, i) => (i * 7) % 256).join(' ');
  const bases = [
    enc.encode(`emotion,pixels,Usage\n3,${px(16)},Training\n0,${px(16)},PublicTest\n6,${px(16)},PrivateTest\n`),
    enc.encode(`emotion,pixels\r\n1,"${px(9)}"\r\n2,"${px(9)}"\r\n`),
  ];
  return { random, structured, mutated: mutated(bases, 200) };
}
