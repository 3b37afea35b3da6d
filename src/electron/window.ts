/**
 * The main window, locked down per Electron's security checklist: context
 * isolation, sandbox, no Node in the renderer, web security on, no
 * navigation away from the app, no new windows, no webviews (permissions: permissions.ts).
 */
import { BrowserWindow, type WebContents } from 'electron';
import { APP_START_URL, isAppUrl } from './app-url.ts';
import type { InvokeEventLike } from './ipc.ts';

export function createMainWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'FER Studio',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click (auxclick) on a link would try to open a window: the app has no links to open.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  lockDown(win.webContents);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_START_URL);
  return win;
}

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  // The app opens no windows; exports use downloads, which need none.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The IPC sender check: only this window's main frame, showing the app's own page. */
export function trustedSender(getWindow: () => BrowserWindow | null): (e: InvokeEventLike) => boolean {
  return (e) => {
    const win = getWindow();
    if (!win || win.isDestroyed()) return false;
    return e.sender === win.webContents && e.senderFrame === win.webContents.mainFrame && isAppUrl(e.senderFrame.url);
  };
}
