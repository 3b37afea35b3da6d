/**
 * What a shell (web server, Electron main) talks to: the app service, either
 * in this thread (tests) or in a worker thread (the shells, so training never
 * blocks their event loop). Requests are untrusted and validated inside.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { AppEvent, WireResult } from '../contract/contract.ts';
import { AppService, type AppServiceOptions } from './app-service.ts';
import { toWireError } from './wire-error.ts';
import { UploadStore } from './upload-store.ts';

export interface AppBackend {
  /** Where the shell writes uploaded bytes; the service reads them from the same folder. */
  readonly uploads: UploadStore;
  request(name: unknown, args: unknown): Promise<WireResult>;
  /** Trusted: load a dataset from a path the shell itself obtained (Electron's open dialog). */
  loadPath(datasetPath: string): Promise<WireResult>;
  onEvent(listener: (e: AppEvent) => void): () => void;
  close(): Promise<void>;
}

/** A fresh per-session folder for uploads, under the OS temp dir. */
export function sessionUploadsDir(): string {
  return path.join(os.tmpdir(), `fer-studio-uploads-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Prediction threads for a long-lived app (RuntimeOptions.predictThreads): helper threads where there is a second core. */
export function predictThreads(): number {
  return Math.min(2, os.availableParallelism());
}

/** The service in the calling thread: simplest, for tests and tools. */
export function inProcessBackend(opts: AppServiceOptions): AppBackend & { service: AppService } {
  const service = new AppService(opts);
  void service.init();
  return {
    service,
    uploads: new UploadStore(opts.uploadsDir),
    request: (name, args) => service.request(name, args),
    loadPath: async (p) => {
      try {
        return { ok: true, value: await service.loadPath(p) };
      } catch (e) {
        return { ok: false, error: toWireError(e) };
      }
    },
    onEvent: (l) => service.onEvent(l),
    close: () => service.close(),
  };
}
