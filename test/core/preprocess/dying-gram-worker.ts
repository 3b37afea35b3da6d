/** A covariance worker that claims two chunks of rows and then dies without answering (int-gram-threads.test.ts). */
import { workerData } from 'node:worker_threads';
import type { ToGramWorker } from '../../../src/core/preprocess/int-gram-threads.ts';

const job = workerData as ToGramWorker;
Atomics.add(job.counter, 0, 1);
Atomics.add(job.counter, 0, 1);
process.exit(3);
