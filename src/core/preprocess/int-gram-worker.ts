/** Worker-thread entry of int-gram-threads.ts: sums the chunks of rows it claims from the shared counter. */
import { parentPort, workerData } from 'node:worker_threads';
import { intGram } from './int-gram.ts';
import { sharedClaim, type FromGramWorker, type ToGramWorker } from './int-gram-threads.ts';

const job = workerData as ToGramWorker;
const port = parentPort!;
intGram(job.data, job.n, job.d, job.features, {}, sharedClaim(job.counter)).then(
  ({ sums, gram }) =>
    port.postMessage({ sums, gram } satisfies FromGramWorker, [sums.buffer as ArrayBuffer, gram.buffer as ArrayBuffer]),
  (e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies FromGramWorker),
);
