/** Worker-thread entry of int-gram-threads.ts: the exact Gram matrix of the rows it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { intGram } from './int-gram.ts';
import type { FromGramWorker, ToGramWorker } from './int-gram-threads.ts';

const job = workerData as ToGramWorker;
const port = parentPort!;
intGram(job.data, job.n, job.d, job.features).then(
  ({ sums, gram }) => port.postMessage({ sums, gram } satisfies FromGramWorker, [sums.buffer as ArrayBuffer, gram.buffer as ArrayBuffer]),
  (e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies FromGramWorker),
);
