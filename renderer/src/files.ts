/**
 * Files the user picked (file chooser, folder chooser, drag-and-drop) become
 * relative names + bytes sent through the contract: announce, then send each
 * file. The renderer never learns or sends a file-system path.
 */
import { LIMITS } from '../../src/contract/contract.ts';
import { RequestError } from './request-error.ts';
import type { Transport } from './transport.ts';

export interface PickedFile {
  name: string;
  file: File;
}

export function fromInput(input: HTMLInputElement): PickedFile[] {
  return [...(input.files ?? [])].map((file) => ({ name: file.webkitRelativePath || file.name, file }));
}

/** Dropped files and folders (folders are walked; names keep the folder structure). */
export async function fromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (!entries.length) return [...dt.files].map((file) => ({ name: file.name, file }));
  const out: PickedFile[] = [];
  for (const e of entries) await walk(e, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (out.length > LIMITS.maxDatasetFiles) throw new RequestError('usage', `more than ${LIMITS.maxDatasetFiles} files`);
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.push({ name: entry.fullPath.replace(/^\/+/, ''), file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call: read until empty.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (!batch.length) break;
    for (const child of batch) await walk(child, out);
  }
}

/** Skips hidden files (.DS_Store, Thumbs.db) that folder pickers include. */
export function withoutJunk(files: PickedFile[]): PickedFile[] {
  return files.filter(
    (f) => !f.name.split('/').some((part) => part.startsWith('.')) && !/(^|\/)(thumbs\.db|desktop\.ini)$/i.test(f.name),
  );
}

export async function sendFiles(
  t: Transport,
  purpose: 'dataset' | 'photo',
  files: PickedFile[],
  onProgress: (done: number, total: number) => void,
): Promise<string> {
  const total = files.reduce((a, f) => a + f.file.size, 0);
  if (purpose === 'dataset' && total > LIMITS.maxDatasetBytes)
    throw new RequestError(
      'bad-input',
      `the dataset is larger than the ${LIMITS.maxDatasetBytes / 2 ** 30} GiB upload limit`,
    );
  const { uploadId } = await t.request('beginUpload', {
    purpose,
    files: files.map((f) => ({ name: f.name, size: f.file.size })),
  });
  let next = 0;
  let done = 0;
  // A few files in flight at once: folder datasets are thousands of small images.
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      await t.upload(uploadId, i, files[i].file);
      onProgress(++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, files.length) }, worker));
  return uploadId;
}
