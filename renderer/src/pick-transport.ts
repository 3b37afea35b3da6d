/** Electron (window.ferApi from the preload) when present, else web mode (HTTP + WebSocket). */
import { electronTransport } from './electron-transport.ts';
import type { Transport } from './transport.ts';
import { webTransport } from './web-transport.ts';

export function pickTransport(): Transport {
  return window.ferApi ? electronTransport(window.ferApi) : webTransport(window.location);
}
