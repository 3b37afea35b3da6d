/** Worker-thread entry: hosts the app service and relays messages (see worker-backend.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { inProcessBackend } from '../backend.ts';
import type { AppServiceOptions } from '../app-service.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const port = parentPort!;
const backend = inProcessBackend(workerData as AppServiceOptions);
const send = (m: FromWorker) => port.postMessage(m);
backend.onEvent((event) => send({ type: 'event', event }));

port.on('message', (m: ToWorker) => {
  void (async () => {
    if (m.type === 'request') send({ type: 'response', id: m.id, result: await backend.request(m.name, m.args) });
    else if (m.type === 'load-path') send({ type: 'response', id: m.id, result: await backend.loadPath(m.path) });
    else {
      await backend.close();
      send({ type: 'response', id: m.id, result: { ok: true, value: null } });
      port.close();
    }
  })();
});
