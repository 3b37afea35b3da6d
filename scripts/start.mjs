// `npm start` and `npm run web`: build only when a source changed since the last build, then launch.
//   node scripts/start.mjs            the desktop app (Electron)
//   node scripts/start.mjs --web ...  web mode; the remaining arguments go to the server (--port, --host)
// A launch with nothing changed only compares modification times (a few ms) and starts the app: no
// TypeScript pass. The full typed check (tests, benches, scripts included) is `npm run check`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import console from 'node:console';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const t0 = performance.now();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const STAMP = path.join(root, 'dist', '.app-build-stamp');
const INPUTS = ['src', 'renderer', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs; // a deleted file changes its folder's time
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

function run(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`fer start: ${what} failed (exit ${r.status ?? r.signal}); see the messages above.`);
    process.exit(1);
  }
}

const newest = Math.max(
  ...INPUTS.map((p) => path.join(root, p))
    .filter(existsSync)
    .map(newestMtime),
);
const stale = !existsSync(STAMP) || statSync(STAMP).mtimeMs < newest;
if (stale) {
  console.log('Building FER Studio (sources changed since the last launch)...');
  run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], 'the TypeScript build');
  run([path.join(root, 'renderer', 'build.mjs')], 'the renderer build');
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

const web = process.argv[2] === '--web';
const entry = web
  ? [path.join(root, 'dist', 'src', 'server', 'main.js'), ...process.argv.slice(3)]
  : [require.resolve('electron/cli.js'), root];
const child = spawn(process.execPath, entry, { cwd: root, stdio: 'inherit' });
console.log(
  `fer start: ${web ? 'web server' : 'Electron'} spawned ${Math.round(performance.now() - t0)} ms after launch${stale ? ' (after a build)' : ''}`,
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
