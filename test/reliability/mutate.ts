/** Byte-level mutations of a valid file, as fast-check arbitraries (flip, truncate, insert, delete, splice). */
import fc from 'fast-check';

type Op =
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
);

function apply(bytes: Uint8Array, op: Op): Uint8Array {
  const at = bytes.length ? op.at % (bytes.length + 1) : 0;
  switch (op.op) {
    case 'set': {
      const out = bytes.slice();
      if (out.length) out[at % out.length] = op.value;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), ...op.bytes, ...bytes.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + op.length)]);
  }
}

/** One of `bases`, with 1 to 4 mutations applied (mostly near the start, where headers live). */
export function mutated(bases: Uint8Array[], headerBytes = 128): fc.Arbitrary<Uint8Array> {
  const nearStart = (o: Op): Op => ({ ...o, at: o.at % headerBytes });
  return fc
    .tuple(fc.nat({ max: bases.length - 1 }), fc.array(fc.tuple(opArb, fc.boolean()), { minLength: 1, maxLength: 4 }))
    .map(([i, ops]) => ops.reduce((b, [o, head]) => apply(b, head ? nearStart(o) : o), bases[i]));
}
