import { readFile } from 'node:fs/promises';
import { FerError } from '../errors.ts';

/** Reads a user-supplied file whole, turning file-system failures into FerErrors that name the file. */
export async function readInputFile(path: string, what = 'file'): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    // A plain Uint8Array view (no copy): Buffer's own methods are not part of the core's API.
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw fileError(e, path, what);
  }
}

export function fileError(e: unknown, path: string, what: string): FerError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new FerError(`${what} not found`, { file: path, kind: 'not-found', cause: e });
  if (code === 'EISDIR') return new FerError(`expected a ${what}, found a folder`, { file: path, cause: e });
  if (code === 'EACCES' || code === 'EPERM')
    return new FerError(`${what} cannot be read (permission denied)`, { file: path, cause: e });
  return new FerError(`${what} cannot be read (${code ?? String(e)})`, { file: path, cause: e });
}
