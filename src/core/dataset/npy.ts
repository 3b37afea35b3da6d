import { FerError } from '../errors.ts';

/**
 * Reader and writer for NumPy's .npy format (versions 1-3). Own code rather than npyjs
 * so every malformed file gets a message naming the file and the exact problem, and so
 * uint8 data is a view of the file's bytes (the full FER2013 train set loads without a copy).
 * Assumes a little-endian host, as every platform Node ships for is.
 */

export type NpyDtype = 'u1' | 'u2' | 'u4' | 'u8' | 'i1' | 'i2' | 'i4' | 'i8' | 'b1' | 'f4' | 'f8';
/** 64-bit integers arrive as Float64Array: exact up to 2^53, far beyond any pixel or label. */
export type NpyData =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Always false: Fortran-ordered files are rejected. Kept so callers can see the flag was checked. */
  fortranOrder: boolean;
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const SUPPORTED: readonly string[] = ['u1', 'u2', 'u4', 'u8', 'i1', 'i2', 'i4', 'i8', 'b1', 'f4', 'f8'];
const KIND_NAMES: Readonly<Record<string, string>> = {
  c: 'complex numbers',
  O: 'Python objects',
  U: 'unicode strings',
  S: 'byte strings',
  M: 'dates',
  m: 'time deltas',
  V: 'raw or structured records',
  f: 'floats of this size',
};

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const bad = (problem: string): FerError => new FerError(problem, { file });
  if (bytes.length === 0) throw bad('empty file (0 bytes), not a .npy array');
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bad('not a .npy file (it does not start with the NumPy magic "\\x93NUMPY")');
  }
  if (bytes.length < 10) throw bad('truncated .npy header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) throw bad(`unsupported .npy format version ${major}.${bytes[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw bad('truncated .npy header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (dataStart > bytes.length) throw bad(`truncated .npy header (needs ${dataStart} bytes, file has ${bytes.length})`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, dataStart));

  const { dtype, fortranOrder, shape } = parseHeader(header, bad);
  if (fortranOrder) {
    throw bad(
      'array is stored in Fortran (column-major) order, which is not supported; save np.ascontiguousarray(arr) instead',
    );
  }
  const itemSize = Number(dtype.slice(1));
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * itemSize;
  const available = bytes.length - dataStart;
  if (available < dataBytes) {
    throw bad(
      `truncated data: shape (${shape.join(', ')}) of ${dtype} needs ${dataBytes} bytes, the file has ${available}`,
    );
  }
  if (available > dataBytes) {
    throw bad(`corrupt file: ${available - dataBytes} unexpected bytes after the data of shape (${shape.join(', ')})`);
  }
  return { dtype, shape, fortranOrder, data: typedView(bytes, dataStart, count, dtype) };
}

function parseHeader(
  header: string,
  bad: (p: string) => FerError,
): { dtype: NpyDtype; fortranOrder: boolean; shape: number[] } {
  const descrMatch = /'descr'\s*:\s*'([^']*)'/.exec(header);
  if (!descrMatch) {
    if (/'descr'\s*:\s*\[/.test(header))
      throw bad('structured (record) arrays are not supported; save a plain numeric array');
    throw bad('corrupt .npy header: no dtype ("descr")');
  }
  const descr = descrMatch[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!fortran || !shapeMatch) throw bad('corrupt .npy header: missing "fortran_order" or "shape"');
  const parts = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (!parts.every((p) => /^\d+L?$/.test(p))) throw bad(`corrupt .npy header: bad shape (${shapeMatch[1]})`);
  const shape = parts.map((p) => Number.parseInt(p, 10));
  // A 400-digit dimension parses to Infinity (and Infinity * 0 to NaN, which passes the size checks).
  if (!shape.every(Number.isSafeInteger))
    throw bad(`corrupt .npy header: shape (${shapeMatch[1]}) has an impossibly large dimension`);
  return { dtype: parseDescr(descr, bad), fortranOrder: fortran[1] === 'True', shape };
}

function parseDescr(descr: string, bad: (p: string) => FerError): NpyDtype {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) throw bad(`unsupported dtype '${descr}'`);
  const [, order, kind, size] = m;
  const code = `${kind}${size}`;
  if (kind === 'O')
    throw bad(`array holds Python objects (dtype '${descr}'), which only Python can read; save a numeric array`);
  if (!SUPPORTED.includes(code)) {
    const what = KIND_NAMES[kind] ? ` (${KIND_NAMES[kind]})` : '';
    throw bad(`unsupported dtype '${descr}'${what}; save the array as uint8 or float32`);
  }
  if (order === '>' && size !== '1') {
    throw bad(`big-endian dtype '${descr}' is not supported; save it little-endian, e.g. arr.astype('<${code}')`);
  }
  return code as NpyDtype;
}

function typedView(bytes: Uint8Array, start: number, count: number, dtype: NpyDtype): NpyData {
  const itemSize = Number(dtype.slice(1));
  // Typed arrays need aligned offsets; a file read into a pooled or odd-offset buffer is copied once.
  const offset = bytes.byteOffset + start;
  const buffer = offset % itemSize === 0 ? bytes.buffer : bytes.slice(start, start + count * itemSize).buffer;
  const at = offset % itemSize === 0 ? offset : 0;
  switch (dtype) {
    case 'u1':
    case 'b1':
      return new Uint8Array(buffer, at, count);
    case 'i1':
      return new Int8Array(buffer, at, count);
    case 'u2':
      return new Uint16Array(buffer, at, count);
    case 'i2':
      return new Int16Array(buffer, at, count);
    case 'u4':
      return new Uint32Array(buffer, at, count);
    case 'i4':
      return new Int32Array(buffer, at, count);
    case 'f4':
      return new Float32Array(buffer, at, count);
    case 'f8':
      return new Float64Array(buffer, at, count);
    case 'i8':
      return Float64Array.from(new BigInt64Array(buffer, at, count), Number);
    case 'u8':
      return Float64Array.from(new BigUint64Array(buffer, at, count), Number);
  }
}

/** Serialises a C-ordered array exactly as numpy.save does (same header padding, so files are byte-identical). */
export function writeNpy(array: Uint8Array | Float32Array, shape: readonly number[], dtype: 'u1' | 'f4'): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length)
    throw new Error(`writeNpy: shape (${shape.join(', ')}) needs ${count} values, got ${array.length}`);
  if ((dtype === 'u1') !== array instanceof Uint8Array)
    throw new Error(`writeNpy: dtype ${dtype} does not match the array type`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype === 'u1' ? '|u1' : '<f4'}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // numpy >= 1.23 leaves room for the first axis to grow to 21 digits, then aligns the data to 64 bytes.
  if (shape.length > 0) header += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + array.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), 10 + header.length);
  return out;
}
