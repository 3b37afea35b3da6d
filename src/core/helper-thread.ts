/**
 * One long-lived worker thread answering requests, for the prediction helpers
 * (Haar levels in face/haar-helper.ts, a second model in predict/classify-helper.ts),
 * over the one request/reply channel every worker uses (worker-channel.ts). The wasm
 * builds FER Studio uses (opencv.js, tfjs-backend-wasm) compute on one thread each
 * under Node, so a second core only works through a second thread with its own copy
 * of them.
 *
 * A helper is never needed for an answer: until it is ready, or after it fails
 * or stops, callers do the work themselves.
 */
import { spawnSiblingWorker } from './spawn-sibling-worker.ts';
import { WorkerChannel } from './worker-channel.ts';

export class HelperThread<Q extends object, R> {
  private readonly channel: WorkerChannel<Q, R>;
  /** Set by the owner once a warm-up request has succeeded. */
  ready = false;

  /**
   * Starts `name` (a module beside `baseUrl`) as an unref'd worker: it never keeps the process alive.
   * `workerData`: what the worker runs with (its runtime options), handed down by the caller.
   */
  constructor(
    baseUrl: string,
    name: string,
    private readonly label: string,
    workerData: unknown = null,
  ) {
    const worker = spawnSiblingWorker(baseUrl, name, workerData);
    worker.unref();
    this.channel = new WorkerChannel<Q, R>(worker, {
      exited: () => new Error(`${label} stopped`),
      onFailure: () => {
        this.ready = false;
      },
    });
  }

  get running(): boolean {
    return this.channel.alive;
  }

  request(job: Q, transfer: ArrayBuffer[] = []): Promise<R> {
    return this.channel.request(job, transfer);
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.channel.close(new Error(`${this.label} stopped`));
  }
}

/**
 * The one helper of its kind a module keeps: started on demand (again after it
 * stopped), readable as ready/running, stopped for tests and shutdown.
 */
export class HelperSlot<Q extends object, R> {
  private thread: HelperThread<Q, R> | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly name: string,
    private readonly label: string,
  ) {}

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
