/**
 * The ONNX export of a model, cached in its folder as `model-<key>.onnx`,
 * where the key hashes the exporter's version, the architecture and every
 * weight: a retrained model (new weights) never meets an old export, and an
 * export of other weights is deleted when the current one is written. Writes
 * are atomic (a temp file beside it, fsynced, renamed), so a reader sees a
 * whole file or none. A folder that cannot be written (a packaged app's
 * shipped models, a read-only mount) costs only the export time: the bytes
 * are used from memory.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { isAlive } from '../atomic-dir.ts';
import { exportToOnnx } from './export-model.ts';

/** Bump when the exporter writes a different graph for the same model, so old caches are not used. */
const EXPORT_VERSION = 1;
const FILE = /^model-([0-9a-f]{16})\.onnx$/;
const TEMP = /^model-[0-9a-f]{16}\.onnx\.tmp-(\d+)-/;

export const onnxCacheFile = (dir: string, key: string): string => path.join(dir, `model-${key.slice(0, 16)}.onnx`);

/** Layer configs without their names (tfjs numbers names per process, so one model loaded twice differs only there). */
function withoutNames(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNames);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'name')
        .map(([k, x]) => [k, withoutNames(x)]),
    );
  return v;
}

/** sha256 (hex) of the exporter version, the layers' kinds and settings, and the weights' bytes. */
export function onnxCacheKey(model: tf.LayersModel): string {
  const h = createHash('sha256');
  h.update(`fer-studio-onnx/${EXPORT_VERSION}\n`);
  h.update(JSON.stringify(model.layers.map((l) => [l.getClassName(), withoutNames(l.getConfig())])));
  for (const w of model.getWeights()) {
    const d = w.dataSync() as Float32Array;
    h.update(JSON.stringify(w.shape));
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return h.digest('hex');
}

export interface OnnxBytes {
  bytes: Uint8Array;
  key: string;
  /** 'cache': read from the folder; 'written': exported and cached; 'memory': exported, not cached. */
  from: 'cache' | 'written' | 'memory';
}

/** The model's ONNX bytes: the folder's cached export when its key matches, else a fresh export (cached when the folder allows). */
export async function onnxModelBytes(
  model: tf.LayersModel,
  dir: string | null,
  key = onnxCacheKey(model),
): Promise<OnnxBytes> {
  if (dir) {
    try {
      return { bytes: new Uint8Array(await fs.readFile(onnxCacheFile(dir, key))), key, from: 'cache' };
    } catch {
      // not cached yet (or unreadable): export below
    }
  }
  const bytes = exportToOnnx(model, { metadata: { fer_studio_cache_key: key } });
  return { bytes, key, from: dir && (await writeCache(dir, key, bytes)) ? 'written' : 'memory' };
}

/** Deletes the cached export for `key` (one ONNX Runtime could not load), so the next call exports afresh. */
export async function dropCachedOnnx(dir: string, key: string): Promise<void> {
  await fs.rm(onnxCacheFile(dir, key), { force: true });
}

/** Writes the cache file atomically and removes exports of other weights; false when the folder cannot be written. */
async function writeCache(dir: string, key: string, bytes: Uint8Array): Promise<boolean> {
  const file = onnxCacheFile(dir, key);
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fh = await fs.open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, file);
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    return false;
  }
  await sweep(dir, path.basename(file)).catch(() => undefined);
  return true;
}

/** Removes other keys' exports and the temp files of writers that died mid-write. */
async function sweep(dir: string, keep: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    const temp = TEMP.exec(name);
    const stale =
      (FILE.test(name) && name !== keep) || (temp && Number(temp[1]) !== process.pid && !isAlive(Number(temp[1])));
    if (stale) await fs.rm(path.join(dir, name), { force: true });
  }
}
