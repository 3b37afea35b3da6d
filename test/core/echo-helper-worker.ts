/** A worker for helper-thread.test.ts: doubles numbers, fails on request, or exits mid-request. */
import { parentPort } from 'node:worker_threads';
import { serveRequests } from '../../src/core/worker-channel.ts';

serveRequests<{ op: 'double' | 'fail' | 'exit'; values: Float32Array }, Float32Array>(parentPort!, async (job) => {
  if (job.op === 'fail') throw new Error('asked to fail');
  if (job.op === 'exit') process.exit(3); // ends this worker thread only
  return job.values.map((v) => v * 2);
}, (r) => [r.buffer as ArrayBuffer]);
