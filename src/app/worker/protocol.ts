/** Messages between a shell's process and the app service running in a worker thread. */
import type { AppEvent, WireResult } from '../../contract/contract.ts';

export type ToWorker =
  | { type: 'request'; id: number; name: string; args: unknown }
  | { type: 'load-path'; id: number; path: string }
  | { type: 'close'; id: number };

export type FromWorker =
  | { type: 'response'; id: number; result: WireResult }
  | { type: 'event'; event: AppEvent };
