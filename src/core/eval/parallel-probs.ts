/**
 * predictProbs on two threads for large sets: this thread and the
 * classification helper (predict/classify-helper.ts) take chunks of images from
 * one queue until none are left. Why: the wasm backend computes on one thread,
 * so evaluating PublicTest left a core idle (bench/eval.ts measures both).
 *
 * The helper always has a second chunk queued, so it never waits for this
 * thread to hand it one (this thread reads its replies only between chunks).
 * A helper that fails costs time, never the answer: from then on this thread
 * does every chunk. Results are the same as one thread's up to float rounding
 * of the batch composition (each image's outputs do not depend on the others').
 */
import { throwIfCancelled } from '../errors.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { classifyHelperReady, helperProbs } from './classify-helper.ts';
import type { ThreadWork } from '../thread-work.ts';
import { predictProbs, type EvaluateOptions } from './predict-probs.ts';

/** Images per chunk: one forward batch, so progress moves every few seconds and a cancel lands soon. */
export const PARALLEL_CHUNK = 256;
/** Chunks the helper holds at once: one it works on, one waiting. */
const HELPER_DEPTH = 2;

export interface ParallelOptions extends EvaluateOptions {
  /**
   * 2: share the images with the classification helper when it is ready; 1 (default):
   * this thread alone, whatever else started a helper. The caller decides (the app
   * from RuntimeOptions.predictThreads, `fer eval` when it started the helper).
   */
  threads?: number;
  /** Counts the images each thread classified. */
  work?: ThreadWork;
}

export async function predictProbsParallel(
  m: FerModel,
  pixels: Uint8Array,
  labels: Uint8Array,
  opts: ParallelOptions = {},
): Promise<Float32Array> {
  const n = labels.length;
  const work = opts.work ?? { here: 0, helper: 0 };
  if (n < 2 * PARALLEL_CHUNK || (opts.threads ?? 1) < 2 || !classifyHelperReady()) {
    work.here += n;
    return predictProbs(m, pixels, labels, opts);
  }
  const per = pixels.length / n;
  const classes = m.meta.classes.length;
  const out = new Float32Array(n * classes);
  const chunks = Math.ceil(n / PARALLEL_CHUNK);
  const views = { tta: opts.tta, zoom: opts.zoom };
  let next = 0;
  let done = 0;
  let helperFailed = false;

  const chunk = (c: number) => {
    const lo = c * PARALLEL_CHUNK;
    const hi = Math.min(n, lo + PARALLEL_CHUNK);
    return { lo, hi, px: pixels.subarray(lo * per, hi * per), labels: labels.subarray(lo, hi) };
  };
  const local = (c: ReturnType<typeof chunk>) =>
    predictProbs(m, c.px, c.labels, { ...views, signal: opts.signal, batchSize: opts.batchSize });
  const lane = async (remote: boolean): Promise<void> => {
    for (let c = next++; c < chunks; c = next++) {
      throwIfCancelled(opts.signal);
      const part = chunk(c);
      let probs: Float32Array;
      let byHelper = false;
      const viaHelper = remote && !helperFailed ? helperProbs(m, part.px, part.hi - part.lo, views) : null;
      try {
        probs = viaHelper ? await viaHelper : await local(part);
        byHelper = viaHelper !== null;
      } catch (e) {
        if (!viaHelper) throw e;
        helperFailed = true;
        throwIfCancelled(opts.signal);
        probs = await local(part);
      }
      throwIfCancelled(opts.signal); // also when the last chunks were already out
      out.set(probs, part.lo * classes);
      done += part.hi - part.lo;
      if (byHelper) work.helper += part.hi - part.lo;
      else work.here += part.hi - part.lo;
      opts.onProgress?.({ stage: 'predict', fraction: done / n });
      // The wasm backend's reads resolve as microtasks: without a turn of the event loop here the
      // helper's replies (messages) would wait until this thread had done every chunk itself.
      if (!remote) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all([lane(false), ...Array.from({ length: HELPER_DEPTH }, () => lane(true))]);
  return out;
}
