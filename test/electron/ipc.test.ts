/** The IPC layer with a fake ipcMain and the app's real sender check (window.ts), Electron itself stubbed out. */
import { describe, expect, it, vi } from 'vitest';
import { IPC, type WireResult } from '../../src/contract/contract.ts';
import { registerIpc, UNTRUSTED, type InvokeEventLike, type IpcMainLike } from '../../src/electron/ipc.ts';
import { trustedSender } from '../../src/electron/window.ts';

// window.ts imports BrowserWindow; trustedSender only reads the window it is given.
vi.mock('electron', () => ({ BrowserWindow: class {} }));

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function setup() {
  const handlers = new Map<string, Handler>();
  const ipc: IpcMainLike = { handle: (c, h) => void handlers.set(c, h), removeHandler: (c) => void handlers.delete(c) };
  const ownFrame = { url: 'app://fer/index.html' };
  const ownWindow = { id: 'own', mainFrame: ownFrame };
  const win = {
    destroyed: false,
    isDestroyed() {
      return this.destroyed;
    },
    webContents: ownWindow,
  };
  let current: typeof win | null = win;
  const backend = {
    request: vi.fn(async (): Promise<WireResult> => ({ ok: true, value: 'done' })),
    loadPath: vi.fn(async (): Promise<WireResult> => ({ ok: true, value: { jobId: 'j1' } })),
    uploads: { writeFile: vi.fn(async () => undefined) },
  };
  const pickDataset = vi.fn(async (): Promise<string | null> => '/home/user/data/X.txt.npy');
  const dispose = registerIpc(ipc, {
    backend: backend as never,
    isTrustedSender: trustedSender(() => current as never),
    pickDataset,
    warn: () => undefined,
  });
  const own: InvokeEventLike = { sender: ownWindow, senderFrame: ownFrame };
  const call = (channel: string, event: InvokeEventLike, ...args: unknown[]) => handlers.get(channel)!(event, ...args);
  const closeWindow = (how: 'destroyed' | 'gone') => {
    if (how === 'destroyed') win.destroyed = true;
    else current = null;
  };
  return { handlers, backend, pickDataset, own, call, dispose, ownWindow, ownFrame, closeWindow };
}

async function expectRefused(call: ReturnType<typeof setup>['call'], e: InvokeEventLike): Promise<void> {
  await expect(call(IPC.request, e, 'getState', {})).resolves.toEqual(UNTRUSTED);
  await expect(call(IPC.request, e, 'pickDataset', { mode: 'file' })).resolves.toEqual(UNTRUSTED);
  await expect(
    call(IPC.upload, e, { uploadId: 'u0123456789abcdef', index: 0, bytes: new Uint8Array(1) }),
  ).resolves.toEqual(UNTRUSTED);
}

describe('registerIpc', () => {
  it('forwards valid requests from the app window to the backend', async () => {
    const { call, own, backend } = setup();
    await expect(
      call(IPC.request, own, 'train', { model: 'rnn', epochs: 2, batchSize: 32, learningRate: null }),
    ).resolves.toEqual({ ok: true, value: 'done' });
    expect(backend.request).toHaveBeenCalledWith('train', {
      model: 'rnn',
      epochs: 2,
      batchSize: 32,
      learningRate: null,
    });
  });

  it('ignores unknown senders: other windows, other frames, no frame', async () => {
    const { call, backend, ownWindow, pickDataset } = setup();
    const strangers: InvokeEventLike[] = [
      { sender: { id: 'other' }, senderFrame: { url: 'app://fer/index.html' } },
      { sender: ownWindow, senderFrame: { url: 'https://evil.example/' } },
      // A subframe of the app's own page, even one showing an app URL, is not the main frame.
      { sender: ownWindow, senderFrame: { url: 'app://fer/index.html' } },
      { sender: ownWindow, senderFrame: null },
    ];
    for (const e of strangers) await expectRefused(call, e);
    expect(backend.request).not.toHaveBeenCalled();
    expect(backend.uploads.writeFile).not.toHaveBeenCalled();
    expect(pickDataset).not.toHaveBeenCalled();
  });

  it('ignores the main frame once it shows another page, and every sender once the window is closed', async () => {
    const { call, backend, own, ownFrame, closeWindow } = setup();
    ownFrame.url = 'https://evil.example/index.html';
    await expectRefused(call, own);
    ownFrame.url = 'app://fer/index.html';
    await expect(call(IPC.request, own, 'getState', {})).resolves.toEqual({ ok: true, value: 'done' });
    closeWindow('destroyed');
    await expectRefused(call, own);
    closeWindow('gone');
    await expectRefused(call, own);
    expect(backend.request).toHaveBeenCalledTimes(1);
  });

  it('rejects bad arguments without calling the backend', async () => {
    const { call, own, backend } = setup();
    const bad: [string, unknown][] = [
      ['train', { model: 'cnn', epochs: -1, batchSize: 32, learningRate: null }],
      ['train', { model: 'cnn', epochs: 2, batchSize: 32, learningRate: null, outDir: 'models/cnn' }],
      ['useSample', { sample: '../../../etc/passwd' }],
      ['readFile', { path: '/etc/passwd' }],
      ['predict', { uploadId: 'u0123456789abcdef', wholeImage: 'yes' }],
    ];
    for (const [name, args] of bad) {
      const r = (await call(IPC.request, own, name, args)) as WireResult;
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('invalid-request');
    }
    const up = (await call(IPC.upload, own, {
      uploadId: 'u0123456789abcdef',
      index: 0,
      bytes: '/etc/passwd',
    })) as WireResult;
    expect(up).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(backend.request).not.toHaveBeenCalled();
    expect(backend.uploads.writeFile).not.toHaveBeenCalled();
  });

  it('opens its own dialog for pickDataset and loads the chosen path without showing it to the renderer', async () => {
    const { call, own, backend, pickDataset } = setup();
    await expect(call(IPC.request, own, 'pickDataset', { mode: 'folder' })).resolves.toEqual({
      ok: true,
      value: { jobId: 'j1' },
    });
    expect(pickDataset).toHaveBeenCalledWith('folder');
    expect(backend.loadPath).toHaveBeenCalledWith('/home/user/data/X.txt.npy');
    pickDataset.mockResolvedValueOnce(null);
    await expect(call(IPC.request, own, 'pickDataset', { mode: 'file' })).resolves.toEqual({ ok: true, value: null });
  });

  it('writes uploaded bytes and reports store errors as values', async () => {
    const { call, own, backend } = setup();
    const bytes = new Uint8Array([1, 2]);
    await expect(call(IPC.upload, own, { uploadId: 'u0123456789abcdef', index: 1, bytes })).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(backend.uploads.writeFile).toHaveBeenCalledWith('u0123456789abcdef', 1, bytes);
    backend.uploads.writeFile.mockRejectedValueOnce(Object.assign(new Error('boom')));
    const r = (await call(IPC.upload, own, { uploadId: 'u0123456789abcdef', index: 1, bytes })) as WireResult;
    expect(r).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });

  it('removes its handlers', () => {
    const { handlers, dispose } = setup();
    expect([...handlers.keys()].sort()).toEqual([IPC.request, IPC.upload].sort());
    dispose();
    expect(handlers.size).toBe(0);
  });
});
