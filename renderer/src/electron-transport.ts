/** The contract over Electron IPC, through the preload's window.ferApi. */
import type { FerBridge } from '../../src/contract/contract.ts';
import { unwrap } from './request-error.ts';
import type { Transport } from './transport.ts';

export function electronTransport(api: FerBridge): Transport {
  return {
    shell: 'electron',
    request: async (name, args) => unwrap(await api.request(name, args)),
    upload: async (uploadId, index, file) => {
      unwrap(await api.uploadFile(uploadId, index, new Uint8Array(await file.arrayBuffer())));
    },
    subscribe: (onEvent, onConnection) => {
      api.onEvent(onEvent);
      onConnection(true);
    },
  };
}
