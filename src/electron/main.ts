/**
 * Electron main process: a table of contents. The app service runs in a
 * worker thread (training never blocks this event loop); this process only
 * owns the window, the menu, the dialogs and the IPC relay.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { IPC } from '../contract/contract.ts';
import { EventBacklog } from '../app/event-backlog.ts';
import { predictThreads, sessionUploadsDir } from '../app/backend.ts';
import { runtimeOptionsFromEnv } from '../app/runtime-env.ts';
import { workerBackend } from '../app/worker/worker-backend.ts';
import { pickDatasetPath } from './dialogs.ts';
import { desktopPaths } from './electron-paths.ts';
import { registerIpc } from './ipc.ts';
import { setupMenu } from './menu.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { guardPermissions } from './permissions.ts';
import { createMainWindow, trustedSender } from './window.ts';

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  const paths = desktopPaths(app);
  let runtime;
  try {
    // The Haar cascades: the packaged models/ folder lives in resources (FER_MODELS_DIR still wins).
    runtime = runtimeOptionsFromEnv(process.env, {
      predictThreads: predictThreads(),
      detectorDir: path.join(paths.modelsDir, 'haar'),
    });
  } catch (e) {
    dialog.showErrorBox('FER Studio', (e as Error).message);
    app.exit(2);
    return;
  }
  const backend = workerBackend({
    dataDir: paths.dataDir,
    workDir: paths.workDir,
    uploadsDir: sessionUploadsDir(),
    pretrainedDir: paths.modelsDir,
    runtime,
  });
  const backlog = new EventBacklog();
  backend.onEvent((e) => {
    backlog.record(e);
    // Only the app's own window hears events.
    if (win && !win.isDestroyed()) win.webContents.send(IPC.event, e);
  });

  // The camera for the live view, to this window only; every other permission is denied.
  guardPermissions(session.defaultSession, () => win);
  serveRenderer(paths.rendererDir);
  setupMenu();
  registerIpc(ipcMain, {
    backend,
    isTrustedSender: trustedSender(() => win),
    pickDataset: (mode) => pickDatasetPath(win, paths.dataDir, mode),
  });

  const open = () => {
    win = createMainWindow(paths.preload);
    // A reload (or a re-created window) catches up on state, log and progress.
    win.webContents.on('did-finish-load', () => {
      for (const e of backlog.replay()) win?.webContents.send(IPC.event, e);
    });
    win.on('closed', () => {
      win = null;
    });
  };
  open();
  app.on('second-instance', () => win?.focus());
  app.on('activate', () => {
    if (!win) open();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('will-quit', (e) => {
    if (closing) return;
    closing = true;
    e.preventDefault();
    void backend.close().finally(() => app.quit());
  });
}

void start();
