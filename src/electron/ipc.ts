/**
 * The contract over Electron IPC, main-process side. Every handler first
 * checks that the sender is the app's own window (anything else is ignored:
 * the backend is never called) and validates its arguments with the
 * contract's schemas. Free of runtime Electron imports so it is unit-tested
 * with a fake ipcMain.
 */
import { ContractError, IPC, parseRequest, UPLOAD_FILE, type WireResult } from '../contract/contract.ts';
import type { AppBackend } from '../app/backend.ts';
import { toWireError } from '../app/wire-error.ts';

/** The parts of Electron's IpcMainInvokeEvent the checks read. */
export interface InvokeEventLike {
  sender: unknown;
  senderFrame: { url: string } | null;
}

/** The parts of Electron's ipcMain this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcDeps {
  backend: Pick<AppBackend, 'request' | 'loadPath' | 'uploads'>;
  /** True only for the app's own window and frame, showing the app's own page. */
  isTrustedSender(event: InvokeEventLike): boolean;
  /** Shows the main process's own open dialog; the chosen path never reaches the renderer. */
  pickDataset(mode: 'file' | 'folder'): Promise<string | null>;
  warn?(message: string): void;
}

export const UNTRUSTED: WireResult = {
  ok: false,
  error: { kind: 'invalid-request', message: 'ignored: the sender is not the FER Studio window' },
};

export function registerIpc(ipc: IpcMainLike, deps: IpcDeps): () => void {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  const refuse = (event: InvokeEventLike, channel: string): WireResult => {
    warn(`ignored ${channel} from an unknown sender (${event.senderFrame?.url ?? 'no frame'})`);
    return UNTRUSTED;
  };

  ipc.handle(IPC.request, async (event, name, args) => {
    if (!deps.isTrustedSender(event)) return refuse(event, IPC.request);
    try {
      const req = parseRequest(name, args);
      if (req.name !== 'pickDataset') return await deps.backend.request(req.name, req.args);
      const chosen = await deps.pickDataset(req.args.mode);
      return chosen === null ? { ok: true, value: null } : await deps.backend.loadPath(chosen);
    } catch (e) {
      return { ok: false, error: toWireError(e) } satisfies WireResult;
    }
  });

  ipc.handle(IPC.upload, async (event, payload) => {
    if (!deps.isTrustedSender(event)) return refuse(event, IPC.upload);
    try {
      const { uploadId, index, bytes } = UPLOAD_FILE(payload, 'upload');
      await deps.backend.uploads.writeFile(uploadId, index, bytes);
      return { ok: true, value: null } satisfies WireResult;
    } catch (e) {
      return {
        ok: false,
        error:
          e instanceof ContractError
            ? { kind: 'invalid-request', message: `invalid request: ${e.message}` }
            : toWireError(e),
      } satisfies WireResult;
    }
  });

  return () => {
    ipc.removeHandler(IPC.request);
    ipc.removeHandler(IPC.upload);
  };
}
