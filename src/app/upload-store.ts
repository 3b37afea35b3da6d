/**
 * Files the renderer sends (dataset files, photos) land here, under a
 * per-session folder, as `<root>/<uploadId>/files/<relative name>`. The
 * announcement (names + sizes) is written first as manifest.json, so the shell
 * that receives the bytes (web server, Electron main) and the app service
 * (possibly in a worker) agree on what is allowed without sharing memory.
 * Names are relative and checked twice: by the contract's pattern and by
 * resolving them inside the upload folder.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LIMITS, RELATIVE_NAME, UPLOAD_ID } from '../contract/contract.ts';
import { FerError } from '../core/errors.ts';

export type UploadPurpose = 'dataset' | 'photo';

export interface UploadFileInfo {
  name: string;
  size: number;
}

interface Manifest {
  purpose: UploadPurpose;
  files: UploadFileInfo[];
}

export interface CompletedUpload {
  id: string;
  purpose: UploadPurpose;
  dir: string;
  files: (UploadFileInfo & { path: string })[];
}

export class UploadStore {
  constructor(readonly root: string) {}

  async begin(purpose: UploadPurpose, files: UploadFileInfo[]): Promise<string> {
    checkAnnouncement(purpose, files);
    const id = `u${randomBytes(10).toString('hex')}`;
    await fs.mkdir(path.join(this.root, id, 'files'), { recursive: true });
    await fs.writeFile(
      path.join(this.root, id, 'manifest.json'),
      JSON.stringify({ purpose, files } satisfies Manifest),
    );
    return id;
  }

  /** Name and announced size of file number `index`. */
  async fileInfo(uploadId: string, index: number): Promise<UploadFileInfo> {
    const info = (await this.manifest(uploadId)).files[index];
    if (!info) throw new FerError(`upload ${uploadId} has no file number ${index}`, { kind: 'usage' });
    return info;
  }

  /** Writes file number `index` of an upload; the byte count must match what was announced. */
  async writeFile(uploadId: string, index: number, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const info = await this.fileInfo(uploadId, index);
    const target = this.filePath(uploadId, info.name);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.part`;
    let written = 0;
    const counted = async function* (source: Uint8Array | AsyncIterable<Uint8Array>) {
      for await (const chunk of source instanceof Uint8Array ? [source] : source) {
        written += chunk.byteLength;
        if (written > info.size) throw new FerError(`more bytes than the ${info.size} announced`, { file: info.name });
        yield chunk;
      }
    };
    try {
      await pipeline(counted(data), createWriteStream(partial));
      if (written !== info.size)
        throw new FerError(`received ${written} bytes, ${info.size} were announced`, { file: info.name });
      await fs.rename(partial, target);
    } catch (e) {
      await fs.rm(partial, { force: true });
      throw e;
    }
  }

  /** All announced files, checked present and complete. */
  async complete(uploadId: string, purpose: UploadPurpose): Promise<CompletedUpload> {
    const manifest = await this.manifest(uploadId);
    if (manifest.purpose !== purpose)
      throw new FerError(`upload ${uploadId} is not a ${purpose} upload`, { kind: 'usage' });
    const files = await Promise.all(
      manifest.files.map(async (f) => {
        const p = this.filePath(uploadId, f.name);
        const size = await fs.stat(p).then(
          (s) => s.size,
          () => -1,
        );
        if (size !== f.size)
          throw new FerError('the upload is incomplete (file missing or partly sent)', {
            file: f.name,
            kind: 'bad-input',
          });
        return { ...f, path: p };
      }),
    );
    return { id: uploadId, purpose, dir: path.join(this.root, uploadId, 'files'), files };
  }

  async remove(uploadId: string): Promise<void> {
    if (UPLOAD_ID.test(uploadId)) await fs.rm(path.join(this.root, uploadId), { recursive: true, force: true });
  }

  async clear(): Promise<void> {
    await fs.rm(this.root, { recursive: true, force: true });
  }

  private async manifest(uploadId: string): Promise<Manifest> {
    if (!UPLOAD_ID.test(uploadId)) throw new FerError('not an upload id', { kind: 'usage' });
    try {
      return JSON.parse(await fs.readFile(path.join(this.root, uploadId, 'manifest.json'), 'utf8')) as Manifest;
    } catch (e) {
      throw new FerError(`no such upload ${uploadId}`, { kind: 'not-found', cause: e });
    }
  }

  private filePath(uploadId: string, name: string): string {
    const base = path.join(this.root, uploadId, 'files');
    const target = path.resolve(base, name);
    if (!RELATIVE_NAME.test(name) || !target.startsWith(base + path.sep))
      throw new FerError('file names must be relative', { file: name, kind: 'usage' });
    return target;
  }
}

function checkAnnouncement(purpose: UploadPurpose, files: UploadFileInfo[]): void {
  if (!files.length) throw new FerError('no files to upload', { kind: 'usage' });
  if (purpose === 'photo') {
    if (files.length !== 1) throw new FerError('choose one photo at a time', { kind: 'usage' });
    if (files[0].size > LIMITS.maxPhotoBytes)
      throw new FerError(`larger than the ${LIMITS.maxPhotoBytes / 2 ** 20} MiB photo limit`, { file: files[0].name });
    return;
  }
  if (files.length > LIMITS.maxDatasetFiles)
    throw new FerError(`more than ${LIMITS.maxDatasetFiles} files`, { kind: 'usage' });
  const names = new Set<string>();
  let total = 0;
  for (const f of files) {
    if (!RELATIVE_NAME.test(f.name)) throw new FerError('file names must be relative', { file: f.name, kind: 'usage' });
    if (names.has(f.name)) throw new FerError('sent twice', { file: f.name, kind: 'usage' });
    if (f.size > LIMITS.maxDatasetFileBytes)
      throw new FerError(`larger than the ${LIMITS.maxDatasetFileBytes / 2 ** 20} MiB file limit`, { file: f.name });
    names.add(f.name);
    total += f.size;
  }
  if (total > LIMITS.maxDatasetBytes)
    throw new FerError(`the upload is larger than the ${LIMITS.maxDatasetBytes / 2 ** 30} GiB limit`, {
      kind: 'bad-input',
    });
}
