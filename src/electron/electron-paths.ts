/**
 * Where the desktop app finds its files. Packaged, data/ and models/ are
 * extraResources (real folders: the open dialog starts in data/, and the
 * worker reads models with plain fs); in development they sit in the repo.
 */
import path from 'node:path';
import type { App } from 'electron';
import { appPaths, appRoot } from '../app/app-paths.ts';

export interface DesktopPaths {
  dataDir: string;
  modelsDir: string;
  rendererDir: string;
  preload: string;
  /** Models trained in the app: the per-user data folder, never the shipped models/. */
  workDir: string;
}

export function desktopPaths(app: App): DesktopPaths {
  const root = appRoot();
  const resources = app.isPackaged ? process.resourcesPath : root;
  const dev = appPaths(root);
  return {
    dataDir: path.join(resources, 'data'),
    modelsDir: path.join(resources, 'models'),
    rendererDir: dev.rendererDir,
    preload: path.join(root, 'dist', 'electron', 'preload.cjs'),
    workDir: path.join(app.getPath('userData'), 'trained-models'),
  };
}
