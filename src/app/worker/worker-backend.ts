/**
 * Runs the app service in a worker thread: training is CPU-bound and
 * synchronous per batch, so the shell's own event loop (HTTP, WebSocket,
 * Electron's main process) must not host it. Same interface as in-process.
 */
import type { AppEvent, WireResult } from '../../contract/contract.ts';
import { spawnSiblingWorker } from '../../core/spawn-sibling-worker.ts';
import type { AppServiceOptions } from '../app-service.ts';
import type { AppBackend } from '../backend.ts';
import { UploadStore } from '../upload-store.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

type Pending = (r: WireResult) => void;
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Outgoing = WithoutId<ToWorker>;

export function workerBackend(opts: AppServiceOptions): AppBackend {
  // Runs service-worker.ts through tsx from the sources (tsx, vitest), service-worker.js from a build.
  const worker = spawnSiblingWorker(import.meta.url, 'service-worker', opts);
  const listeners = new Set<(e: AppEvent) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exited = false;
  let closing = false;

  worker.on('message', (m: FromWorker) => {
    if (m.type === 'event') for (const l of listeners) l(m.event);
    else {
      pending.get(m.id)?.(m.result);
      pending.delete(m.id);
    }
  });
  const failAll = (message: string) => {
    // Tell the renderer too: otherwise the window would just wait forever.
    if (!exited && !closing) for (const l of listeners) l({ type: 'log', level: 'error', text: message, time: Date.now() });
    exited = true;
    for (const p of pending.values()) p({ ok: false, error: { kind: 'internal', message } });
    pending.clear();
  };
  worker.on('error', (e) => { console.error(e); failAll(`the app service stopped: ${e.message}`); });
  worker.on('exit', () => failAll('the app service has stopped'));

  const call = (m: Outgoing): Promise<WireResult> => {
    if (exited) return Promise.resolve({ ok: false, error: { kind: 'internal', message: 'the app service has stopped' } });
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      try {
        worker.postMessage({ ...m, id } as ToWorker);
      } catch (e) {
        // e.g. arguments that cannot be copied between threads: an invalid request.
        pending.delete(id);
        resolve({ ok: false, error: { kind: 'invalid-request', message: `invalid request: ${(e as Error).message}` } });
      }
    });
  };

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
      await worker.terminate();
    },
  };
}
