/**
 * Starts a worker thread on a sibling module, from the TypeScript sources
 * (tsx, vitest: Node 20 does not hand the parent's loader hooks to workers, so
 * the worker registers tsx itself before importing the entry) or from the
 * compiled JavaScript (a build, the packaged desktop app). Used by the app
 * service and by the data-parallel trainer.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export function spawnSiblingWorker(baseUrl: string, name: string, workerData: unknown): Worker {
  const fromSource = new URL(baseUrl).pathname.endsWith('.ts');
  const entry = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, baseUrl).href;
  if (!fromSource) return new Worker(new URL(entry), { workerData });
  const boot = `import(${JSON.stringify(tsxEsmApi(baseUrl))}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** tsx's ESM registration API: its CommonJS twin (what require.resolve finds) cannot register hooks from a worker. */
function tsxEsmApi(baseUrl: string): string {
  try {
    const mjs = path.join(path.dirname(createRequire(baseUrl).resolve('tsx/esm/api')), 'index.mjs');
    if (existsSync(mjs)) return pathToFileURL(mjs).href;
  } catch {
    // fall through to the bare specifier
  }
  return 'tsx/esm/api';
}
