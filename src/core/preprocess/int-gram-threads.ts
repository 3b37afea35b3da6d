/**
 * The covariance pass of PCA on two cores: this thread and a worker take
 * chunks of rows from one shared counter until none are left, each summing
 * its chunks with the exact integer kernel (int-gram.ts); the two partial
 * sums are then added. The sums are integers, so the result is the same to
 * the last bit as one thread's, whoever took which chunk. Why: the Gram matrix
 * is most of a 256-component PCA of FER2013 (bench/pca.ts). Taking chunks as
 * they go, rather than half the rows each, keeps both cores busy although the
 * worker starts later (its start-up takes ~0.3 s under tsx).
 *
 * A worker that fails only costs time: every chunk this thread did not sum is
 * redone here.
 */
import { throwIfCancelled } from '../errors.ts';
import { spawnSiblingWorker } from '../spawn-sibling-worker.ts';
import type { TaskOptions } from '../task.ts';
import type { ThreadWork } from '../thread-work.ts';
import { GRAM_CHUNK_ROWS, intGram, type ChunkClaim, type IntGram } from './int-gram.ts';

export interface ToGramWorker {
  data: Uint8Array;
  n: number;
  d: number;
  features: Int32Array;
  counter: Int32Array;
}
export type FromGramWorker = IntGram | { error: string };

/** Below this many rows a worker's start-up costs more than it saves. */
export const MIN_ROWS_FOR_WORKER = 8192;

export interface GramTask extends TaskOptions {
  /** Counts the chunks of GRAM_CHUNK_ROWS rows each thread summed. */
  work?: ThreadWork;
}

/** Claims chunks from a counter shared between threads. */
export function sharedClaim(counter: Int32Array): ChunkClaim {
  return () => Atomics.add(counter, 0, 1);
}

export async function intGramThreads(
  data: Uint8Array,
  n: number,
  d: number,
  features: Int32Array,
  threads: number,
  task: GramTask = {},
  workerModule = 'int-gram-worker', // tests name a missing one to exercise the fallback
): Promise<IntGram> {
  const chunks = Math.ceil(n / GRAM_CHUNK_ROWS);
  const work = task.work ?? { here: 0, helper: 0 };
  if (threads < 2 || n < MIN_ROWS_FOR_WORKER) {
    work.here += chunks;
    return intGram(data, n, d, features, task);
  }
  // Both threads read the rows: one shared copy (the caller's buffer is not shareable).
  const shared = new Uint8Array(new SharedArrayBuffer(n * d));
  shared.set(data.subarray(0, n * d));
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const worker = spawnSiblingWorker(import.meta.url, workerModule, {
    data: shared,
    n,
    d,
    features,
    counter,
  } satisfies ToGramWorker);
  const fromWorker = new Promise<IntGram>((resolve, reject) => {
    worker.once('message', (m: FromGramWorker) => ('error' in m ? reject(new Error(m.error)) : resolve(m)));
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error('covariance worker stopped')));
  });
  fromWorker.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  try {
    const mine = new Set<number>();
    const take = sharedClaim(counter);
    const a = await intGram(shared, n, d, features, task, () => {
      const c = take();
      if (c < chunks) mine.add(c);
      return c;
    });
    let b: IntGram;
    try {
      b = await fromWorker;
      // Every chunk is claimed once, so the worker summed exactly those this thread did not.
      work.helper += chunks - mine.size;
      work.here += mine.size;
    } catch {
      throwIfCancelled(task.signal);
      work.here += chunks;
      const rest = Array.from({ length: chunks }, (_, c) => c).filter((c) => !mine.has(c));
      let next = 0;
      b = await intGram(shared, n, d, features, task, () =>
        next < rest.length ? rest[next++] : Number.MAX_SAFE_INTEGER,
      );
    }
    for (let i = 0; i < a.sums.length; i++) a.sums[i] += b.sums[i];
    for (let i = 0; i < a.gram.length; i++) a.gram[i] += b.gram[i];
    return a;
  } finally {
    void worker.terminate();
  }
}
