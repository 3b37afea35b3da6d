/**
 * Data-parallel training steps over worker threads. The wasm backend runs one
 * thread per process in Node, so a second core only helps if a second thread
 * computes part of each batch: the batch is split into shards, the main thread
 * and each worker compute one shard's gradients at the same time, and the main
 * thread averages them (weighted as in shard-gradients.ts), applies them with the
 * one optimizer, and sends the new trainable weights with the next step.
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../backend/init-backend.ts';
import type { MomentsHelper } from '../precise-bn.ts';
import type {
  GradWorkerInit,
  LossKind,
  MomentsResult,
  Shard,
  ShardStats,
  StepResult,
  ToGradWorker,
} from './protocol.ts';
import { packTensors, shardGradients, trainableVariables } from './shard-gradients.ts';
import { spawnSiblingWorker } from '../../spawn-sibling-worker.ts';
import { WorkerChannel, WorkerError } from '../../worker-channel.ts';

export interface GradientPoolOptions {
  model: tf.LayersModel;
  inputShape: number[];
  classes: number;
  loss: LossKind;
  /** Threads in all, the main one included. */
  workers: number;
  /** When given, milliseconds per phase of each step are added to it (scripts/pool-timing.ts reads them). */
  timings?: Record<string, number>;
}

export type BatchStats = Omit<ShardStats, 'weight'>;

interface Replica {
  channel: WorkerChannel<ToGradWorker, StepResult | MomentsResult | null>;
  /** The first thing that went wrong with this replica: every later step fails with it. */
  failure: Error | null;
  /** True when the main model's trainable weights changed since this replica last got them. */
  stale: boolean;
  tensors: number;
  /** 1-based, as messages name it. */
  n: number;
}

let live = 0;
/** Gradient worker threads alive in this process (tests use it to prove none leak). */
export function liveGradientWorkers(): number {
  return live;
}

/**
 * The trainer's one way to take a step. With one thread asked for, or on
 * native TensorFlow (which already uses every core), the pool has no workers
 * and the main thread computes the whole batch, through the same code.
 */
export async function startGradientPool(opts: GradientPoolOptions): Promise<GradientPool> {
  if (opts.workers <= 1 || tf.getBackend() === 'tensorflow') return new GradientPool(opts, []);
  const init: GradWorkerInit = {
    backend: tf.getBackend() as BackendName,
    topology: opts.model.toJSON(null, false) as object,
    inputShape: opts.inputShape,
    classes: opts.classes,
    loss: opts.loss,
    weights: opts.model.weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array)),
  };
  const pool = new GradientPool(
    opts,
    Array.from({ length: opts.workers - 1 }, () => spawnSiblingWorker(import.meta.url, 'grad-worker', init)),
  );
  try {
    await pool.ready();
  } catch (e) {
    await pool.close();
    throw e;
  }
  return pool;
}

export class GradientPool {
  private readonly replicas: Replica[];
  private readonly vars: tf.Variable[];
  /** Variable order the optimizer's slots were (or will be) created in by minimize(): keeps resume compatible. */
  private readonly applyOrder: number[];
  private readyPromise: Promise<unknown>;

  constructor(
    private readonly opts: GradientPoolOptions,
    workers: Worker[],
  ) {
    this.vars = trainableVariables(opts.model);
    const index = new Map(this.vars.map((v, i) => [v.name, i]));
    this.applyOrder = Object.keys(tf.engine().registeredVariables)
      .filter((n) => index.has(n))
      .map((n) => index.get(n)!);
    this.replicas = workers.map((worker, i) => this.watch(worker, i + 1));
    this.readyPromise = Promise.all(this.replicas.map((r) => this.send(r, { type: 'ready' })));
  }

  ready(): Promise<unknown> {
    return this.readyPromise;
  }

  /** The worker threads (read-only use: tests kill one to prove a crash surfaces). */
  get threads(): readonly Worker[] {
    return this.replicas.map((r) => r.channel.worker);
  }

  /** Live tensors in each worker after its last step (a leak shows as growth). */
  get workerTensors(): number[] {
    return this.replicas.map((r) => r.tensors);
  }

  /** Full-batch gradients (in `model.trainableWeights` order; caller disposes) and batch stats, from rows 0..m-1. */
  async gradients(
    x: Float32Array,
    y: Float32Array,
    w: Float32Array | null,
    m: number,
  ): Promise<{ grads: tf.Tensor[]; stats: BatchStats }> {
    const { inputShape, classes, loss, model } = this.opts;
    const fs = inputShape.reduce((a, b) => a * b, 1);
    const rows = splitRows(m, this.replicas.length + 1);
    const lap = this.stopwatch();
    let packed: Float32Array | null = null;
    let start = 0;
    const replies: Promise<StepResult>[] = [];
    this.replicas.forEach((r, i) => {
      if (!rows[i]) return;
      const shard = sliceShard(x, y, w, start, rows[i], fs, classes, true);
      let weights: Float32Array | null = null;
      if (r.stale) weights = packed ??= packTensors(this.vars);
      r.stale = false;
      const transfer = [shard.x.buffer, shard.y.buffer, ...(shard.w ? [shard.w.buffer] : [])] as ArrayBuffer[];
      // One worker: the packed weights go to it alone, so they move instead of being cloned.
      if (weights && this.replicas.length === 1) transfer.push(weights.buffer as ArrayBuffer);
      replies.push(this.send(r, { type: 'step', shard, weights }, transfer) as Promise<StepResult>);
      start += rows[i];
    });
    const all = Promise.all(replies);
    all.catch(() => undefined); // observed below; this only stops an unhandled rejection if our own shard throws first
    lap('send');
    const ownRows = rows[rows.length - 1];
    const own = ownRows
      ? shardGradients(
          model,
          this.vars,
          inputShape,
          classes,
          loss,
          sliceShard(x, y, w, start, ownRows, fs, classes, false),
        )
      : null;
    lap('own');
    let results: StepResult[];
    try {
      results = await all;
    } catch (e) {
      if (own) tf.dispose(own.grads);
      throw e;
    }
    lap('wait');
    for (const r of results) for (const [k, v] of Object.entries(r.ms)) lap(`worker ${k}`, v);
    const parts = [...(own ? [own.stats] : []), ...results.map((r) => r.stats)];
    const total = parts.reduce((s, p) => s + p.weight, 0);
    const grads = tf.tidy(() => {
      let off = 0;
      return this.vars.map((v, i) => {
        const terms = results.map((r) =>
          tf.mul(tf.tensor(r.grads.subarray(off, off + v.size), v.shape), r.stats.weight / total),
        );
        // Alone (no workers), the main thread's gradient is the batch's: no rescaling, not even by 1.
        if (own)
          terms.unshift(results.length ? tf.mul(own.grads[i], own.stats.weight / total) : tf.clone(own.grads[i]));
        off += v.size;
        return terms.length === 1 ? terms[0] : tf.addN(terms);
      });
    });
    if (own) tf.dispose(own.grads);
    lap('average');
    const stats = {
      loss: parts.reduce((s, p) => s + p.loss * p.weight, 0) / total,
      correct: parts.reduce((s, p) => s + p.correct, 0),
      bin: parts.reduce((s, p) => s + p.bin, 0),
    };
    return { grads, stats };
  }

  /**
   * One training step on rows 0..m-1: the same update optimizer.minimize() makes on the whole batch,
   * with the optimizer's slots created in minimize()'s variable order (checkpoints stay compatible).
   * `x`, `y` and `w` are read only before the returned promise first waits (the workers' shards are
   * sent and the main thread's is computed by then): the trainer fills its next batch meanwhile.
   */
  async step(
    optimizer: tf.Optimizer,
    x: Float32Array,
    y: Float32Array,
    w: Float32Array | null,
    m: number,
  ): Promise<BatchStats> {
    const { grads, stats } = await this.gradients(x, y, w, m);
    const lap = this.stopwatch();
    optimizer.applyGradients(this.applyOrder.map((i) => ({ name: this.vars[i].name, tensor: grads[i] })));
    tf.dispose(grads);
    lap('apply');
    for (const r of this.replicas) r.stale = true;
    return stats;
  }

  /**
   * One helper per worker for precise-bn.ts: each computes batch-norm moments on its replica,
   * first given the main model's current trainable weights if a step changed them.
   */
  momentsHelpers(): MomentsHelper[] {
    return this.replicas.map((r) => async (x, m) => {
      const weights = r.stale ? packTensors(this.vars) : null;
      r.stale = false;
      return (
        (await this.send(r, { type: 'moments', x, m, weights }, [
          x.buffer,
          ...(weights ? [weights.buffer] : []),
        ] as ArrayBuffer[])) as MomentsResult
      ).moments;
    });
  }

  /** Terminates every worker; safe to call more than once, and after a failure. */
  async close(): Promise<void> {
    const closed = new Error('the gradient pool was closed');
    for (const r of this.replicas) r.failure ??= closed;
    await Promise.all(this.replicas.map((r) => r.channel.close(closed)));
  }

  /** lap(phase) adds the time since the previous lap to `timings[phase]`; lap(phase, ms) adds `ms`, no lap. */
  private stopwatch(): (phase: string, ms?: number) => void {
    const t = this.opts.timings;
    let last = t ? performance.now() : 0;
    return (phase, ms) => {
      if (!t) return;
      const now = ms === undefined ? performance.now() : last;
      t[phase] = (t[phase] ?? 0) + (ms ?? now - last);
      last = now;
    };
  }

  private watch(worker: Worker, n: number): Replica {
    live++;
    worker.on('exit', () => {
      live--;
    });
    const channel = new WorkerChannel<ToGradWorker, StepResult | MomentsResult | null>(worker, {
      exited: (code) => new Error(`training worker ${n} stopped unexpectedly (exit code ${code})`),
      crashed: (e) => new Error(`training worker ${n} crashed: ${e.message}`, { cause: e }),
    });
    return { channel, failure: null, stale: false, tensors: 0, n };
  }

  /** Sends `msg` and resolves with the replica's answer; rejects at once if the replica already failed, and for good once it does. */
  private send(
    r: Replica,
    msg: ToGradWorker,
    transfer: ArrayBuffer[] = [],
  ): Promise<StepResult | MomentsResult | null> {
    if (r.failure) return Promise.reject(r.failure);
    return r.channel.request(msg, transfer).then(
      (reply) => {
        if (reply) r.tensors = reply.tensors;
        return reply;
      },
      (e: Error) => {
        throw (r.failure ??= e instanceof WorkerError ? new Error(`training worker ${r.n} failed: ${e.message}`) : e);
      },
    );
  }
}

/** Near-equal shard sizes; the main thread's shard (last) is never the larger one, as it also fills and applies. */
export function splitRows(m: number, parts: number): number[] {
  const base = Math.floor(m / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < m % parts ? 1 : 0));
}

/** Rows start..start+n-1 of the batch buffers; `copy` gives fresh buffers that can be transferred. */
function sliceShard(
  x: Float32Array,
  y: Float32Array,
  w: Float32Array | null,
  start: number,
  n: number,
  fs: number,
  classes: number,
  copy: boolean,
): Shard {
  const cut = (a: Float32Array, per: number) =>
    copy ? a.slice(start * per, (start + n) * per) : a.subarray(start * per, (start + n) * per);
  return { x: cut(x, fs), y: cut(y, classes), w: w ? cut(w, 1) : null, m: n };
}
