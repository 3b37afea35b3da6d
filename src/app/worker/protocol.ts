/** Requests from a shell's process to the app service in its worker thread; replies are WireResults, events AppEvents (core/worker-channel.ts). */
export type ToWorker =
  { type: 'request'; name: string; args: unknown } | { type: 'load-path'; path: string } | { type: 'close' };
