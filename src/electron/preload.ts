/**
 * The only bridge between the sandboxed renderer and the main process: one
 * typed API (the contract's FerBridge), no Node or Electron objects exposed.
 * Bundled to a single CommonJS file because sandboxed preloads cannot import.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, type AppEvent, type FerBridge, type WireResult } from '../contract/contract.ts';

const api: FerBridge = {
  request: (name, args) => ipcRenderer.invoke(IPC.request, name, args) as Promise<WireResult>,
  uploadFile: (uploadId, index, bytes) =>
    ipcRenderer.invoke(IPC.upload, { uploadId, index, bytes }) as Promise<WireResult>,
  onEvent: (listener) => {
    // Hand over the event only: never the IpcRendererEvent, which carries the sender.
    const wrapped = (_e: IpcRendererEvent, event: AppEvent) => listener(event);
    ipcRenderer.on(IPC.event, wrapped);
    return () => ipcRenderer.removeListener(IPC.event, wrapped);
  },
};

contextBridge.exposeInMainWorld('ferApi', api);
