/** A worker for helper-thread.test.ts and worker-channel.test.ts: doubles numbers, pushes events, fails on request, or exits mid-request. */
import { parentPort } from 'node:worker_threads';
import { postEvent, serveRequests } from '../../src/core/worker-channel.ts';

serveRequests<{ op: 'double' | 'events' | 'fail' | 'exit'; values: Float32Array }, Float32Array>(
  parentPort!,
  async (job) => {
    if (job.op === 'fail') throw new Error('asked to fail');
    if (job.op === 'exit') process.exit(3); // ends this worker thread only
    if (job.op === 'events') for (const v of job.values) postEvent(parentPort!, v);
    return job.values.map((v) => v * 2);
  },
  (r) => [r.buffer as ArrayBuffer],
);
