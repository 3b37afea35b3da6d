/**
 * A second thread for classification. tfjs-backend-wasm computes on one thread
 * under Node, so a photo's CNN and RNN ran one after the other (~21 + 19 ms for
 * a face and its mirror image, bench/predict.ts) while a core idled. With this
 * helper running, classify-crops.ts sends every other model to it, so the two
 * models run at the same time.
 *
 * Opt-in, for long-lived processes (the app service, benchmarks): the worker
 * starts its own tfjs and loads each model from its folder, which a one-shot
 * `fer predict` would only wait for. Models are named by folder and creation
 * time, so a folder rewritten since the caller loaded it is refused (and the
 * caller classifies itself) rather than answered with other weights.
 */
import type { BackendChoice } from '../backend/init-backend.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { HelperSlot } from '../helper-thread.ts';

export type ToClassifyHelper = {
  dir: string;
  createdAt: string;
  pixels: Uint8Array;
  count: number;
  tta: boolean;
  zoom: boolean;
};
/** What the helper thread starts with: the backend of the thread that starts it. */
export type ClassifyHelperData = { backend: BackendChoice };

const helper = new HelperSlot<ToClassifyHelper, Float32Array>(
  import.meta.url,
  'classify-helper-worker',
  'classification helper',
);

const job = (
  m: FerModel,
  pixels: Uint8Array,
  count: number,
  opts: { tta?: boolean; zoom?: boolean },
): ToClassifyHelper => ({
  dir: m.dir,
  createdAt: m.meta.createdAt,
  pixels,
  count,
  tta: opts.tta ?? false,
  zoom: opts.zoom ?? false,
});

/** Starts the helper (idempotent) on `backend` and resolves when it has started tfjs and loaded `models`. */
export async function startClassifyHelper(models: FerModel[], backend: BackendChoice = 'auto'): Promise<void> {
  const h = helper.get({ backend } satisfies ClassifyHelperData);
  for (const m of models) await h.request(job(m, new Uint8Array(0), 0, {}));
  h.ready = h.running;
}

export function classifyHelperReady(): boolean {
  return helper.ifReady() !== null;
}

/** `m`'s probabilities for `count` images, computed by the helper; null when it is not ready ("do it yourself"). */
export function helperProbs(
  m: FerModel,
  pixels: Uint8Array,
  count: number,
  opts: { tta?: boolean; zoom?: boolean },
): Promise<Float32Array> | null {
  return helper.ifReady()?.request(job(m, pixels, count, opts)) ?? null;
}

/** Stops the helper thread (tests, shutdown). */
export const stopClassifyHelper = (): Promise<void> => helper.stop();

export const classifyHelperRunning = (): boolean => helper.running;
