/**
 * A second thread for Haar detection. opencv.js runs on one thread, and the
 * cascade is most of a prediction's time (217 of 267 ms for a 512 x 512 photo,
 * bench/predict.ts); native OpenCV spreads it over the cores. Pyramid levels
 * alternate between this process's thread and one helper worker, which
 * balances them within a few percent (the levels' costs fall off smoothly).
 *
 * Opt-in, for long-lived processes (the app service, benchmarks): the worker
 * loads its own opencv.js (about a second), which a one-shot `fer predict`
 * would only wait for. Until it is ready, detection runs on one thread.
 */
import type { Worker } from 'node:worker_threads';
import { spawnSiblingWorker } from '../spawn-sibling-worker.ts';

export type ToHaarHelper = { id: number; gray: Uint8Array; width: number; height: number; cascadeFile: string; sides: number[]; scaleFactor: number };
export type FromHaarHelper = { id: number; raw: Int32Array } | { id: number; error: string };

interface Helper {
  worker: Worker;
  ready: boolean;
  pending: Map<number, { resolve: (raw: Int32Array) => void; reject: (e: Error) => void }>;
}

let helper: Helper | null = null;
let nextId = 0;

function failAll(h: Helper, e: Error): void {
  for (const p of h.pending.values()) p.reject(e);
  h.pending.clear();
}

/** Starts the helper (idempotent) and resolves when it has loaded opencv.js and `cascadeFile`. */
export async function startHaarHelper(cascadeFile: string): Promise<void> {
  if (!helper) {
    const worker = spawnSiblingWorker(import.meta.url, 'haar-helper-worker', null);
    worker.unref(); // never keeps the process alive
    const h: Helper = { worker, ready: false, pending: new Map() };
    worker.on('message', (m: FromHaarHelper) => {
      const p = h.pending.get(m.id);
      h.pending.delete(m.id);
      if ('error' in m) p?.reject(new Error(m.error));
      else p?.resolve(m.raw);
    });
    worker.on('error', (e) => failAll(h, e));
    worker.on('exit', () => {
      failAll(h, new Error('face detection helper stopped'));
      if (helper === h) helper = null;
    });
    helper = h;
  }
  const h = helper;
  await request(h, { gray: new Uint8Array(0), width: 0, height: 0, cascadeFile, sides: [], scaleFactor: 1.1 });
  h.ready = true;
}

function request(h: Helper, job: Omit<ToHaarHelper, 'id'>): Promise<Int32Array> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    h.pending.set(id, { resolve, reject });
    h.worker.postMessage({ id, ...job } satisfies ToHaarHelper);
  });
}

/** True once the helper has loaded opencv.js: callers can skip preparing a job before that. */
export function haarHelperReady(): boolean {
  return helper?.ready ?? false;
}

/** Sends levels to the helper when it is ready; null means "do them yourself". */
export function helperDetections(job: Omit<ToHaarHelper, 'id'>): Promise<Int32Array> | null {
  if (!helper?.ready) return null;
  return request(helper, job);
}

/** Stops the helper thread (tests, shutdown). */
export async function stopHaarHelper(): Promise<void> {
  const h = helper;
  helper = null;
  if (h) await h.worker.terminate();
}

export function haarHelperRunning(): boolean {
  return helper !== null;
}
