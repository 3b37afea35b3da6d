/**
 * One long-lived worker thread answering numbered requests: the pattern both
 * prediction helpers share (Haar levels in face/haar-helper.ts, a second model
 * in predict/classify-helper.ts). The wasm builds FER Studio uses (opencv.js,
 * tfjs-backend-wasm) compute on one thread each under Node, so a second core
 * only works through a second thread with its own copy of them.
 *
 * A helper is never needed for an answer: until it is ready, or after it fails
 * or stops, callers do the work themselves. Every pending request is rejected
 * when the worker errors or exits, so no caller waits forever.
 */
import type { Worker } from 'node:worker_threads';
import { spawnSiblingWorker } from './spawn-sibling-worker.ts';

/** What every request and reply carries: the number that pairs them. */
export type Numbered<T> = T & { id: number };
/** A worker's reply: its result, or the message of what went wrong. */
export type HelperReply<R> = Numbered<{ result: R } | { error: string }>;

export class HelperThread<Q extends object, R> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private alive = true;
  /** Set by the owner once a warm-up request has succeeded. */
  ready = false;

  /**
   * Starts `name` (a module beside `baseUrl`) as an unref'd worker: it never keeps the process alive.
   * `workerData`: what the worker runs with (its runtime options), handed down by the caller.
   */
  constructor(baseUrl: string, name: string, private readonly label: string, workerData: unknown = null) {
    this.worker = spawnSiblingWorker(baseUrl, name, workerData);
    this.worker.unref();
    this.worker.on('message', (m: HelperReply<R>) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', () => {
      this.alive = false;
      this.ready = false;
      this.failAll(new Error(`${this.label} stopped`));
    });
  }

  get running(): boolean {
    return this.alive;
  }

  request(job: Q, transfer: ArrayBuffer[] = []): Promise<R> {
    if (!this.alive) return Promise.reject(new Error(`${this.label} stopped`));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...job }, transfer);
    });
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.worker.terminate();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/**
 * The one helper of its kind a module keeps: started on demand (again after it
 * stopped), readable as ready/running, stopped for tests and shutdown.
 */
export class HelperSlot<Q extends object, R> {
  private thread: HelperThread<Q, R> | null = null;

  constructor(private readonly baseUrl: string, private readonly name: string, private readonly label: string) {}

  /** The running helper, started with `workerData` if there is none. */
  get(workerData: unknown = null): HelperThread<Q, R> {
    if (!this.thread?.running) this.thread = new HelperThread(this.baseUrl, this.name, this.label, workerData);
    return this.thread;
  }

  /** The helper when it is ready for work, else null ("do it yourself"). */
  ifReady(): HelperThread<Q, R> | null {
    return this.thread?.ready ? this.thread : null;
  }

  get running(): boolean {
    return this.thread?.running ?? false;
  }

  async stop(): Promise<void> {
    const t = this.thread;
    this.thread = null;
    if (t) await t.stop();
  }
}

/**
 * The worker side: answers each request with `handle`'s result (transferring the
 * buffers `transfer` picks from it) or with its error's message.
 */
export function serveHelperRequests<Q extends object, R>(
  port: { on(event: 'message', f: (m: Numbered<Q>) => void): unknown; postMessage(m: HelperReply<R>, transfer?: ArrayBuffer[]): void },
  handle: (job: Q) => Promise<R>,
  transfer: (r: R) => ArrayBuffer[] = () => [],
): void {
  port.on('message', (m) => {
    handle(m).then(
      (result) => port.postMessage({ id: m.id, result }, transfer(result)),
      (e: unknown) => port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) }),
    );
  });
}
