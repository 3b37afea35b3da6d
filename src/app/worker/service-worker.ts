/** Worker-thread entry: hosts the app service and answers over the worker channel (see worker-backend.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { WireResult } from '../../contract/contract.ts';
import { postEvent, serveRequests } from '../../core/worker-channel.ts';
import { inProcessBackend } from '../backend.ts';
import type { AppServiceOptions } from '../app-service.ts';
import type { ToWorker } from './protocol.ts';

const port = parentPort!;
const backend = inProcessBackend(workerData as AppServiceOptions);
backend.onEvent((event) => postEvent(port, event));

serveRequests<ToWorker, WireResult>(port, async (m) => {
  if (m.type === 'request') return backend.request(m.name, m.args);
  if (m.type === 'load-path') return backend.loadPath(m.path);
  await backend.close();
  setImmediate(() => port.close()); // after this reply has been posted
  return { ok: true, value: null };
});
