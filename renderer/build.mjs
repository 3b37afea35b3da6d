// Builds the UI-side bundles with esbuild (already installed with tsx):
//   dist/renderer/   index.html, styles.css, app.js (+ Chart.js), served by web mode and loaded by Electron
//   dist/electron/preload.cjs   the Electron preload (sandboxed preloads must be one CommonJS file)
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import process from 'node:process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'renderer');
await mkdir(out, { recursive: true });
await Promise.all([
  build({
    entryPoints: [path.join(root, 'renderer/src/main.ts')],
    outfile: path.join(out, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  }),
  build({
    entryPoints: [path.join(root, 'src/electron/preload.ts')],
    outfile: path.join(root, 'dist/electron/preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning',
  }),
  copyFile(path.join(root, 'renderer/index.html'), path.join(out, 'index.html')),
  copyFile(path.join(root, 'renderer/styles.css'), path.join(out, 'styles.css')),
]);
process.stdout.write(`renderer built in ${path.relative(root, out)}\n`);
