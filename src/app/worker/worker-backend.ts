/**
 * Runs the app service in a worker thread: training is CPU-bound and
 * synchronous per batch, so the shell's own event loop (HTTP, WebSocket,
 * Electron's main process) must not host it. Same interface as in-process.
 */
import type { AppEvent, WireResult } from '../../contract/contract.ts';
import { spawnSiblingWorker } from '../../core/spawn-sibling-worker.ts';
import { UnsendableRequest, WorkerChannel } from '../../core/worker-channel.ts';
import type { AppServiceOptions } from '../app-service.ts';
import type { AppBackend } from '../backend.ts';
import { UploadStore } from '../upload-store.ts';
import type { ToWorker } from './protocol.ts';

export function workerBackend(opts: AppServiceOptions): AppBackend {
  const listeners = new Set<(e: AppEvent) => void>();
  let closing = false;
  // Runs service-worker.ts through tsx from the sources (tsx, vitest), service-worker.js from a build.
  const channel = new WorkerChannel<ToWorker, WireResult, AppEvent>(
    spawnSiblingWorker(import.meta.url, 'service-worker', opts),
    {
      exited: () => new Error('the app service has stopped'),
      crashed: (e) => {
        console.error(e);
        return new Error(`the app service stopped: ${e.message}`);
      },
      onEvent: (e) => {
        for (const l of listeners) l(e);
      },
      // Tell the renderer too: otherwise the window would just wait forever.
      onFailure: (e) => {
        if (!closing) for (const l of listeners) l({ type: 'log', level: 'error', text: e.message, time: Date.now() });
      },
    },
  );

  // Every failure comes back as a value, as the in-process backend's do.
  const call = (m: ToWorker): Promise<WireResult> =>
    channel.request(m).catch((e: Error): WireResult => ({
      ok: false,
      error:
        e instanceof UnsendableRequest
          ? { kind: 'invalid-request', message: `invalid request: ${e.message}` } // e.g. arguments that cannot be copied between threads
          : { kind: 'internal', message: e.message },
    }));

  return {
    uploads: new UploadStore(opts.uploadsDir),
    request: (name, args) => call({ type: 'request', name: String(name), args }),
    loadPath: (path) => call({ type: 'load-path', path }),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: async () => {
      closing = true;
      await call({ type: 'close' });
      await channel.close(new Error('the app service has stopped'));
    },
  };
}
