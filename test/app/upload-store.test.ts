import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/contract/contract.ts';
import { datasetEntry } from '../../src/app/dataset-entry.ts';
import { UploadStore } from '../../src/app/upload-store.ts';

const roots: string[] = [];
function store(): UploadStore {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fer-upload-test-'));
  roots.push(root);
  return new UploadStore(path.join(root, 'uploads'));
}
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

async function* chunks(...parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p);
}

describe('UploadStore', () => {
  it('stores announced files under their relative names, from bytes or streams', async () => {
    const s = store();
    const id = await s.begin('dataset', [
      { name: 'X.txt.npy', size: 3 },
      { name: 'folder/sub/a.txt', size: 5 },
    ]);
    await s.writeFile(id, 0, new Uint8Array([1, 2, 3]));
    await s.writeFile(id, 1, chunks('ab', 'cde'));
    const done = await s.complete(id, 'dataset');
    expect(done.files.map((f) => path.relative(done.dir, f.path))).toEqual([
      'X.txt.npy',
      path.join('folder', 'sub', 'a.txt'),
    ]);
    expect(readFileSync(done.files[1].path, 'utf8')).toBe('abcde');
  });

  it('refuses more or fewer bytes than announced, and incomplete uploads', async () => {
    const s = store();
    const id = await s.begin('dataset', [
      { name: 'a.csv', size: 4 },
      { name: 'b.csv', size: 2 },
    ]);
    await expect(s.writeFile(id, 0, chunks('abc', 'de'))).rejects.toThrow(/more bytes than the 4 announced/);
    await expect(s.writeFile(id, 0, chunks('ab'))).rejects.toThrow(/received 2 bytes, 4 were announced/);
    await expect(s.writeFile(id, 2, chunks('ab'))).rejects.toThrow(/no file number 2/);
    await s.writeFile(id, 1, chunks('ok'));
    await expect(s.complete(id, 'dataset')).rejects.toThrow(/incomplete/);
    await expect(s.complete(id, 'photo')).rejects.toThrow(/not a photo upload/);
  });

  it('refuses names that leave the folder, duplicates, and sizes over the limits', async () => {
    const s = store();
    await expect(s.begin('dataset', [{ name: '../evil', size: 1 }])).rejects.toThrow(/relative/);
    await expect(s.begin('dataset', [{ name: '/etc/passwd', size: 1 }])).rejects.toThrow(/relative/);
    await expect(
      s.begin('dataset', [
        { name: 'a', size: 1 },
        { name: 'a', size: 1 },
      ]),
    ).rejects.toThrow(/sent twice/);
    await expect(s.begin('dataset', [])).rejects.toThrow(/no files/);
    await expect(s.begin('photo', [{ name: 'a.png', size: LIMITS.maxPhotoBytes + 1 }])).rejects.toThrow(/photo limit/);
    await expect(
      s.begin('photo', [
        { name: 'a.png', size: 1 },
        { name: 'b.png', size: 1 },
      ]),
    ).rejects.toThrow(/one photo/);
    const half = LIMITS.maxDatasetFileBytes;
    await expect(
      s.begin('dataset', [
        { name: 'a', size: half },
        { name: 'b', size: half },
        { name: 'c', size: 1 },
      ]),
    ).rejects.toThrow(/GiB limit/);
    await expect(s.writeFile('u0000000000000000', 0, new Uint8Array())).rejects.toThrow(/no such upload/);
    await expect(s.writeFile('../../x', 0, new Uint8Array())).rejects.toThrow(/not an upload id/);
  });
});

describe('datasetEntry', () => {
  const upload = (...names: string[]) => ({
    id: 'u1',
    purpose: 'dataset' as const,
    dir: '/up',
    files: names.map((name) => ({ name, size: 1, path: `/up/${name}` })),
  });

  it('finds the csv, the X of an X/Y pair, or the uploaded folder', () => {
    expect(datasetEntry(upload('fer2013.csv'))).toEqual({ path: path.join('/up', 'fer2013.csv'), name: 'fer2013.csv' });
    expect(datasetEntry(upload('Y.txt.npy', 'X.txt.npy', 'labels.json'))).toEqual({
      path: path.join('/up', 'X.txt.npy'),
      name: 'X.txt.npy (+ Y.txt.npy, labels.json)',
    });
    expect(datasetEntry(upload('train.X.npy', 'train.Y.npy')).path).toBe(path.join('/up', 'train.X.npy'));
    expect(datasetEntry(upload('model/X.txt.npy', 'model/Y.txt.npy')).path).toBe(
      path.join('/up', 'model', 'X.txt.npy'),
    );
    expect(datasetEntry(upload('folders/train/happy/1.jpg', 'folders/test/sad/2.jpg'))).toEqual({
      path: path.join('/up', 'folders'),
      name: 'folder folders (2 files)',
    });
  });

  it('says what is ambiguous', () => {
    expect(() => datasetEntry(upload('a.csv', 'b.csv'))).toThrow(/cannot tell which file/);
    expect(() => datasetEntry(upload('p.npy', 'q.npy'))).toThrow(/cannot tell which file/);
  });
});
