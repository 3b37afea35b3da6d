import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Repository root (vitest runs from it) and the shared data beside it. */
export const REPO = process.cwd();
export const SHARED = join(REPO, '../shared/datasets');
export const SAMPLES = join(SHARED, 'samples');
export const FIXTURES = join(REPO, 'test/fixtures/datasets');

/** A fresh temporary folder removed after the test file. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fer-ds-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves with the error a promise rejects with (fails the test if it resolves). */
export async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but the call succeeded');
}
