/**
 * Starts a worker thread on a sibling module, whether this code runs as
 * TypeScript (tsx, vitest: the worker must register tsx itself, because
 * Node 20 does not pass loader hooks on to workers) or compiled JavaScript.
 * (Not used by preprocessing any more; the app's worker backend uses it.)
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export function spawnSiblingWorker(baseUrl: string, name: string, workerData: unknown): Worker {
  const isTs = new URL(baseUrl).pathname.endsWith('.ts');
  const entry = new URL(`./${name}${isTs ? '.ts' : '.js'}`, baseUrl).href;
  if (!isTs) return new Worker(new URL(entry), { workerData });
  const boot = `import(${JSON.stringify(tsxEsmApi(baseUrl))}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** tsx's ESM registration API (its CommonJS twin registers hooks that cannot resolve from a worker). */
function tsxEsmApi(baseUrl: string): string {
  try {
    const cjs = createRequire(baseUrl).resolve('tsx/esm/api');
    const mjs = path.join(path.dirname(cjs), 'index.mjs');
    if (existsSync(mjs)) return pathToFileURL(mjs).href;
  } catch {
    // fall through to the bare specifier
  }
  return 'tsx/esm/api';
}
