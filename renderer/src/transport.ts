/**
 * The renderer's only way to the backend: the contract's requests, uploads and
 * events. Two implementations (electron-transport.ts, web-transport.ts), picked at
 * start by pick-transport.ts. Nothing else differs.
 */
import type { AppEvent, FerBridge, RequestArgs, RequestName, Responses } from '../../src/contract/contract.ts';

export interface Transport {
  readonly shell: 'web' | 'electron';
  request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<Responses[N]>;
  upload(uploadId: string, index: number, file: Blob): Promise<void>;
  /** Events, plus connection changes (web mode reconnects after a server restart). */
  subscribe(onEvent: (e: AppEvent) => void, onConnection: (connected: boolean) => void): void;
}

declare global {
  interface Window {
    ferApi?: FerBridge;
  }
}
