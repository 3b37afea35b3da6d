/**
 * The one request/reply pattern between a thread and a worker thread it started:
 * numbered requests, each reply paired with its request by number (a result, or the
 * message of what went wrong), events the worker pushes on its own, and every
 * pending and later request rejected once the worker errors, exits or is closed, so
 * no caller waits forever. The prediction helpers (helper-thread.ts), the gradient
 * workers (train/parallel/gradient-pool.ts) and the app service's worker
 * (app/worker/worker-backend.ts) all talk through it.
 */
import type { Worker } from 'node:worker_threads';

/** What every request carries: the number its reply names. */
export type Numbered<T> = T & { id: number };
/** A reply: the request's result, or the message of what went wrong. */
export type ChannelReply<R> = { id: number; result: R } | { id: number; error: string };
/** Something the worker says unasked (no number). */
export type ChannelEvent<E> = { event: E };

export interface WorkerChannelOptions<E> {
  /** The failure every pending and later request gets when the worker exits by itself. */
  exited(code: number): Error;
  /** ... when it throws an uncaught error; default that error. */
  crashed?(e: Error): Error;
  /** The worker's events, in order. */
  onEvent?(event: E): void;
  /** Told once when the worker fails by itself (not after close()). */
  onFailure?(e: Error): void;
}

/** A request that could not be sent at all (e.g. arguments that cannot be copied between threads). */
export class UnsendableRequest extends Error {}
/** The worker answered a request with an error (it is still running); its message is the worker's. */
export class WorkerError extends Error {}

export class WorkerChannel<Q extends object, R, E = never> {
  private readonly pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing: Error | null = null;

  constructor(
    readonly worker: Worker,
    private readonly opts: WorkerChannelOptions<E>,
  ) {
    worker.on('message', (m: ChannelReply<R> | ChannelEvent<E>) => {
      if ('event' in m) {
        opts.onEvent?.(m.event);
        return;
      }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) p?.reject(new WorkerError(m.error));
      else p?.resolve(m.result);
    });
    worker.on('error', (e) => this.fail(opts.crashed?.(e) ?? e, true));
    worker.on('messageerror', (e) =>
      this.fail(new Error('a worker thread sent an unreadable message', { cause: e }), true),
    );
    worker.on('exit', (code) => this.fail(this.closing ?? opts.exited(code), this.closing === null));
  }

  /** False once the worker failed or was closed. */
  get alive(): boolean {
    return this.failure === null;
  }

  /** Sends `job` (transferring `transfer`) and resolves with the worker's result for it. */
  request(job: Q, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...job, id }, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(new UnsendableRequest((e as Error).message, { cause: e }));
      }
    });
  }

  /** Ends the worker; what is still pending when it has gone (and everything later) is rejected with `reason`. */
  async close(reason: Error): Promise<void> {
    this.closing ??= reason;
    await this.worker.terminate();
    this.fail(reason, false);
  }

  private fail(e: Error, byItself: boolean): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    if (byItself) this.opts.onFailure?.(e);
  }
}

/** The parts of a MessagePort the worker side uses. */
export interface ReplyPort<Q, R> {
  on(event: 'message', f: (m: Numbered<Q>) => void): unknown;
  postMessage(m: ChannelReply<R> | ChannelEvent<unknown>, transfer?: ArrayBuffer[]): void;
}

/**
 * The worker side: answers each request with `handle`'s result (transferring the
 * buffers `transfer` picks from it) or with `describe(error)`.
 */
export function serveRequests<Q extends object, R>(
  port: ReplyPort<Q, R>,
  handle: (job: Q) => Promise<R>,
  transfer: (r: R) => ArrayBuffer[] = () => [],
  describe: (e: unknown) => string = (e) => (e instanceof Error ? e.message : String(e)),
): void {
  port.on('message', (m) => {
    handle(m).then(
      (result) => port.postMessage({ id: m.id, result }, transfer(result)),
      (e: unknown) => port.postMessage({ id: m.id, error: describe(e) }),
    );
  });
}

/** The worker side of an event: delivered to the channel's onEvent, in order with the replies. */
export function postEvent<E>(port: Pick<ReplyPort<unknown, unknown>, 'postMessage'>, event: E): void {
  port.postMessage({ event });
}
