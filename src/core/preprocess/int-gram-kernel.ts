/**
 * A tiny WebAssembly SIMD kernel for the Gram matrix of uint8 data, built from
 * bytes here (no toolchain needed). Pixels are small integers, so X^T X can be
 * summed exactly in int32 with `i32x4.dot_i16x8_s`: 8 multiply-adds per
 * instruction, about 4x the float32 rate of tfjs-wasm's XNNPACK products, and
 * no rounding at all (the mean is subtracted afterwards in float64).
 *
 * Memory layout, set up by the caller: rows of X^T as int16 (`rowBytes`
 * each, zero padded), then the int32 output (row stride `outStride` bytes).
 * gram(xt, rowBytes, steps, off0, out, outStride, bStart, bEnd) adds
 * sum_t xt[a][t] * xt[b][t] over `steps` groups of 8 samples starting at byte
 * `off0` of each row, into out[a][b] for b in [bStart, bEnd), a < bEnd, in
 * 2x4 blocks with b >= a&~3: the upper triangle plus a few entries below it.
 * The caller tiles samples and columns so a panel of rows stays in cache.
 */

const I32 = 0x7f;
const V128 = 0x7b;

function u32(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function s32(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]): number[] => [id, ...u32(body.length), ...body];
const vec = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];
const name = (s: string): number[] => [...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions used by the kernel.
const get = (i: number): number[] => [0x20, ...u32(i)];
const set = (i: number): number[] => [0x21, ...u32(i)];
const i32c = (v: number): number[] => [0x41, ...s32(v)];
const ADD = 0x6a;
const SUB = 0x6b;
const MUL = 0x6c;
const AND = 0x71;
const GE_U = 0x4f;
const EQZ = 0x45;
const LOOP = [0x03, 0x40];
const BLOCK = [0x02, 0x40];
const END = 0x0b;
const brIf = (depth: number): number[] => [0x0d, ...u32(depth)];
const br = (depth: number): number[] => [0x0c, ...u32(depth)];
const i32load = (offset: number): number[] => [0x28, 2, ...u32(offset)];
const i32store = (offset: number): number[] => [0x36, 2, ...u32(offset)];
const v128load = [0xfd, 0x00, 4, 0];
const v128zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const dot = [0xfd, ...u32(186)]; // i32x4.dot_i16x8_s
const vadd = [0xfd, ...u32(174)]; // i32x4.add
const lane = (l: number): number[] => [0xfd, 0x1b, l]; // i32x4.extract_lane

// Locals: params 0..7, then i32 8..18, then v128 19..29.
const [XT, ROW, STEPS, OFF0, OUT, OSTRIDE, BSTART, BEND] = [0, 1, 2, 3, 4, 5, 6, 7];
const [A, B, S, PA0, PA1, PB0, , , , OFF, OPTR] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
const ACC = 19; // 8 accumulators: ACC + 4*row + col
const VA0 = 27;
const VA1 = 28;
const VB = 29;
const GT_U = 0x4b;
const SELECT = 0x1b;

function kernelBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]): void => {
    for (const p of parts) {
      if (Array.isArray(p)) code.push(...p);
      else code.push(p);
    }
  };
  const hsum = (acc: number): number[] => [
    ...get(acc),
    ...lane(0),
    ...get(acc),
    ...lane(1),
    ADD,
    ...get(acc),
    ...lane(2),
    ADD,
    ...get(acc),
    ...lane(3),
    ADD,
  ];
  emit(i32c(0), set(A));
  emit(BLOCK, LOOP); // rows a, two at a time
  emit(get(A), get(BEND), GE_U, brIf(1));
  // b = max(bStart, a & ~3)
  emit(get(A), i32c(-4), AND, set(B));
  emit(get(BSTART), get(B), get(BSTART), get(B), GT_U, SELECT, set(B));
  emit(BLOCK, LOOP); // columns b, four at a time
  emit(get(B), get(BEND), GE_U, brIf(1));
  for (let k = 0; k < 8; k++) emit(v128zero, set(ACC + k));
  emit(get(XT), get(A), get(ROW), MUL, ADD, set(PA0));
  emit(get(PA0), get(ROW), ADD, set(PA1));
  emit(get(XT), get(B), get(ROW), MUL, ADD, set(PB0));
  for (let j = 1; j < 4; j++) emit(get(PB0 + j - 1), get(ROW), ADD, set(PB0 + j));
  emit(get(OFF0), set(OFF), get(STEPS), set(S));
  emit(BLOCK, LOOP); // 8 samples per step
  emit(get(S), EQZ, brIf(1));
  emit(get(PA0), get(OFF), ADD, v128load, set(VA0));
  emit(get(PA1), get(OFF), ADD, v128load, set(VA1));
  for (let j = 0; j < 4; j++) {
    emit(get(PB0 + j), get(OFF), ADD, v128load, set(VB));
    emit(get(ACC + j), get(VA0), get(VB), dot, vadd, set(ACC + j));
    emit(get(ACC + 4 + j), get(VA1), get(VB), dot, vadd, set(ACC + 4 + j));
  }
  emit(get(OFF), i32c(16), ADD, set(OFF));
  emit(get(S), i32c(1), SUB, set(S));
  emit(br(0), END, END);
  emit(get(OUT), get(A), get(OSTRIDE), MUL, ADD, get(B), i32c(4), MUL, ADD, set(OPTR));
  for (let row = 0; row < 2; row++) {
    for (let j = 0; j < 4; j++)
      emit(get(OPTR), get(OPTR), i32load(4 * j), hsum(ACC + 4 * row + j), ADD, i32store(4 * j));
    emit(get(OPTR), get(OSTRIDE), ADD, set(OPTR));
  }
  emit(get(B), i32c(4), ADD, set(B));
  emit(br(0), END, END);
  emit(get(A), i32c(2), ADD, set(A));
  emit(br(0), END, END);
  emit(END);
  return code;
}

/** The module's bytes: exports `memory` and `gram`. */
export function intGramModuleBytes(): Uint8Array {
  const funcType = [0x60, ...vec(new Array(8).fill([I32])), 0];
  const locals = vec([
    [...u32(11), I32],
    [...u32(11), V128],
  ]);
  const body = [...locals, ...kernelBody()];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([funcType])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...name('gram'), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...u32(body.length), ...body]])),
  ];
  return Uint8Array.from(bytes);
}
