/**
 * The one place ONNX Runtime is loaded. Native `onnxruntime-node` first (its npm
 * package carries the CPU library for Linux/Windows x64+arm64 and macOS arm64),
 * then `onnxruntime-web` (wasm; runs wherever Node does, e.g. macOS x64), then
 * nothing: callers fall back to their tfjs / opencv.js paths. The shells decide
 * which runtimes may be tried (`allow`); core reads no environment.
 */
import type * as OrtCommon from 'onnxruntime-common';

export type OrtRuntimeName = 'onnxruntime-node' | 'onnxruntime-web';
export const ORT_RUNTIMES: readonly OrtRuntimeName[] = ['onnxruntime-node', 'onnxruntime-web'];

export interface OrtRuntime {
  name: OrtRuntimeName;
  ort: typeof OrtCommon;
}

export interface OrtLoadOptions {
  /** Runtimes that may be tried, in order. Default: both. An empty list means "no ONNX Runtime". */
  allow?: readonly OrtRuntimeName[];
}

const cache = new Map<OrtRuntimeName, Promise<OrtRuntime | null>>();

async function importRuntime(name: OrtRuntimeName): Promise<OrtRuntime | null> {
  try {
    const mod = (await import(name)) as typeof OrtCommon & { default?: typeof OrtCommon };
    const ort = mod.InferenceSession ? mod : mod.default!;
    if (name === 'onnxruntime-web') {
      // One wasm thread: Node's worker support in ort-web is not needed for the fallback path.
      ort.env.wasm.numThreads = 1;
    }
    return { name, ort };
  } catch {
    return null;
  }
}

/** The first runtime in `allow` that loads, or null when none does. Each import is tried once per process. */
export async function loadOrt(opts: OrtLoadOptions = {}): Promise<OrtRuntime | null> {
  for (const name of opts.allow ?? ORT_RUNTIMES) {
    let p = cache.get(name);
    if (!p) cache.set(name, (p = importRuntime(name)));
    const rt = await p;
    if (rt) return rt;
  }
  return null;
}
