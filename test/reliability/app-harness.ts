/**
 * An in-process app service over a temp folder with a tiny "pretrained" CNN,
 * as the desktop app and web mode run it, for the reliability tests.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { inProcessBackend } from '../../src/app/backend.ts';
import { runtimeOptionsFromEnv } from '../../src/app/runtime-env.ts';
import type { AppEvent, SessionSnapshot } from '../../src/contract/contract.ts';
import { saveTinyModel } from './tiny-model.ts';

export interface AppHarness {
  backend: ReturnType<typeof inProcessBackend>;
  events: AppEvent[];
  /** The temp folder holding models/, work/ and uploads/. */
  dir: string;
  /** Sends a request that must succeed, and returns its value. */
  ok<T>(name: string, args: unknown): Promise<T>;
  state(): Promise<SessionSnapshot>;
  /** Uploads `names` (relative to `root`) under the same relative names, as the renderer does. */
  upload(purpose: 'dataset' | 'photo', root: string, names: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startAppHarness(prefix: string): Promise<AppHarness> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  await tf.setBackend('cpu');
  // Saved first: the service loads its "pretrained" models as it starts.
  await saveTinyModel(path.join(tmp, 'models', 'cnn'), 1);
  const backend = inProcessBackend({
    dataDir: 'data',
    workDir: path.join(tmp, 'work'),
    uploadsDir: path.join(tmp, 'uploads'),
    pretrainedDir: path.join(tmp, 'models'),
    runtime: runtimeOptionsFromEnv(process.env),
  });
  const events: AppEvent[] = [];
  backend.onEvent((e) => events.push(e));
  await backend.service.init();
  const ok = async <T>(name: string, args: unknown): Promise<T> => {
    const r = await backend.request(name, args);
    if (!r.ok) throw new Error(`${name} refused: ${r.error.kind}: ${r.error.message}`);
    return r.value as T;
  };
  const upload = async (purpose: 'dataset' | 'photo', root: string, names: string[]): Promise<string> => {
    const files = names.map((name) => ({ name, data: readFileSync(path.join(root, name)) }));
    const { uploadId } = await ok<{ uploadId: string }>('beginUpload', {
      purpose,
      files: files.map((f) => ({ name: f.name, size: f.data.length })),
    });
    for (const [i, f] of files.entries()) await backend.uploads.writeFile(uploadId, i, f.data);
    return uploadId;
  };
  return {
    backend,
    events,
    ok,
    upload,
    dir: tmp,
    state: () => ok<SessionSnapshot>('getState', {}),
    close: async () => {
      await backend.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
