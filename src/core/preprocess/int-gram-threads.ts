/**
 * The covariance pass of PCA on two cores: the rows are split in two, one
 * half summed on this thread and the other in a worker, both with the exact
 * integer kernel (int-gram.ts). The sums are integers, so the result is the
 * same to the last bit as one thread's. Why: the Gram matrix is ~6.7 of the
 * ~10 s a 256-component PCA of FER2013 takes on one core (bench/pca.ts).
 *
 * A worker that fails only costs time: its rows are redone here.
 */
import { throwIfCancelled } from '../errors.ts';
import { spawnSiblingWorker } from '../spawn-sibling-worker.ts';
import type { TaskOptions } from '../task.ts';
import { intGram, type IntGram } from './int-gram.ts';

export interface ToGramWorker { data: Uint8Array; n: number; d: number; features: Int32Array }
export type FromGramWorker = IntGram | { error: string };

/** Below this many rows a worker's start-up (~0.3 s under tsx) costs more than it saves. */
export const MIN_ROWS_FOR_WORKER = 8192;

export async function intGramThreads(
  data: Uint8Array, n: number, d: number, features: Int32Array, threads: number, task: TaskOptions = {},
  workerModule = 'int-gram-worker', // tests name a missing one to exercise the fallback
): Promise<IntGram> {
  if (threads < 2 || n < MIN_ROWS_FOR_WORKER) return intGram(data, n, d, features, task);
  const mine = Math.ceil(n / 2);
  // A copy of the worker's rows: the caller's buffer may be a view it still uses.
  const theirs: ToGramWorker = { data: data.slice(mine * d, n * d), n: n - mine, d, features };
  const worker = spawnSiblingWorker(import.meta.url, workerModule, theirs);
  const fromWorker = new Promise<IntGram>((resolve, reject) => {
    worker.once('message', (m: FromGramWorker) => ('error' in m ? reject(new Error(m.error)) : resolve(m)));
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error('covariance worker stopped')));
  });
  fromWorker.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  try {
    const a = await intGram(data.subarray(0, mine * d), mine, d, features, {
      signal: task.signal, onProgress: (p) => task.onProgress?.({ ...p, fraction: p.fraction * 0.95 }),
    });
    let b: IntGram;
    try {
      b = await fromWorker;
    } catch {
      throwIfCancelled(task.signal);
      b = await intGram(theirs.data, theirs.n, d, features, task);
    }
    for (let i = 0; i < a.sums.length; i++) a.sums[i] += b.sums[i];
    for (let i = 0; i < a.gram.length; i++) a.gram[i] += b.gram[i];
    return a;
  } finally {
    void worker.terminate();
  }
}
