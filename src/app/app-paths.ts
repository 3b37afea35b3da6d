/**
 * Where the app's own files are: found by walking up from this module to the
 * folder with package.json, which works from the sources (src/app), from a
 * build (dist/src/app) and inside a packaged app's resources.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the application folder (no package.json above src/app)');
}

export interface AppPaths {
  /** Shipped sample datasets. */
  dataDir: string;
  /** Shipped pretrained models (cnn/, rnn/) and the Haar cascades (haar/). */
  modelsDir: string;
  /** The built renderer (index.html, app.js, styles.css). */
  rendererDir: string;
}

export function appPaths(root = appRoot()): AppPaths {
  return {
    dataDir: path.join(root, 'data'),
    modelsDir: path.join(root, 'models'),
    rendererDir: path.join(root, 'dist', 'renderer'),
  };
}
