/**
 * `npm run web`: FER Studio in the browser. Serves the renderer built by
 * `npm run build:renderer` and runs the app service in a worker thread.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { appPaths, appRoot } from '../app/app-paths.ts';
import { predictThreads, sessionUploadsDir } from '../app/backend.ts';
import { runtimeOptionsFromEnv } from '../app/runtime-env.ts';
import type { RuntimeOptions } from '../core/runtime-options.ts';
import { workerBackend } from '../app/worker/worker-backend.ts';
import { parseServerArgs } from './server-options.ts';
import { startWebServer } from './web-server.ts';

let options;
let runtime: RuntimeOptions;
try {
  options = parseServerArgs(process.argv.slice(2), process.env, appRoot());
  // The service worker runs with these (FER_BACKEND, FER_TRAIN_WORKERS, FER_MODELS_DIR, FER_DEBUG_OPENCV).
  runtime = runtimeOptionsFromEnv(process.env, { predictThreads: predictThreads() });
} catch (e) {
  console.error(`fer web: ${(e as Error).message}`);
  process.exit(2);
}
const paths = appPaths();
if (!existsSync(path.join(paths.rendererDir, 'index.html'))) {
  console.error(
    `fer web: the renderer is not built (${paths.rendererDir}); run "npm run build:renderer" or "npm run web"`,
  );
  process.exit(1);
}
const backend = workerBackend({
  dataDir: paths.dataDir,
  workDir: options.workDir,
  uploadsDir: sessionUploadsDir(),
  pretrainedDir: options.pretrained ? paths.modelsDir : null,
  runtime,
});
const server = await startWebServer({
  host: options.host,
  port: options.port,
  backend,
  rendererDir: paths.rendererDir,
});
console.log(`FER Studio (web mode) at ${server.url}`);
if (server.token) console.log(`Bound to ${options.host}: open the URL above; API calls need the token ${server.token}`);
console.log(`Models trained here are saved under ${options.workDir}. Press Ctrl+C to stop.`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.close();
  await backend.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
