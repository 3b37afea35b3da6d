/**
 * The renderer's only way to the backend: the contract's requests, uploads and
 * events. Two implementations, picked at start: Electron (window.ferApi from
 * the preload) and web mode (HTTP + WebSocket). Nothing else differs.
 */
import type { AppEvent, FerBridge, RequestArgs, RequestName, Responses } from '../../src/contract/contract.ts';
import { electronTransport } from './electron-transport.ts';
import { webTransport } from './web-transport.ts';

export interface Transport {
  readonly shell: 'web' | 'electron';
  request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<Responses[N]>;
  upload(uploadId: string, index: number, file: Blob): Promise<void>;
  /** Events, plus connection changes (web mode reconnects after a server restart). */
  subscribe(onEvent: (e: AppEvent) => void, onConnection: (connected: boolean) => void): void;
}

declare global {
  interface Window { ferApi?: FerBridge }
}

export function pickTransport(): Transport {
  return window.ferApi ? electronTransport(window.ferApi) : webTransport(window.location);
}
