/**
 * A second thread for Haar detection. opencv.js runs on one thread, and the
 * cascade is most of a prediction's time (217 of 267 ms for a 512 x 512 photo,
 * bench/predict.ts); native OpenCV spreads it over the cores. Pyramid levels
 * alternate between this process's thread and one helper worker, which
 * balances them within a few percent (the levels' costs fall off smoothly).
 *
 * Opt-in, for long-lived processes (the app service, benchmarks): the worker
 * loads its own opencv.js (about a second), which a one-shot `fer predict`
 * would only wait for. Until it is ready, detection runs on one thread.
 */
import { HelperSlot } from '../helper-thread.ts';

export type ToHaarHelper = {
  gray: Uint8Array;
  width: number;
  height: number;
  cascadeFile: string;
  sides: number[];
  scaleFactor: number;
};
/** What the helper thread starts with (RuntimeOptions.debug: echo opencv.js's output). */
export type HaarHelperData = { debug: boolean };

const helper = new HelperSlot<ToHaarHelper, Int32Array>(import.meta.url, 'haar-helper-worker', 'face detection helper');

/** Starts the helper (idempotent) and resolves when it has loaded opencv.js and `cascadeFile`. */
export async function startHaarHelper(cascadeFile: string, data: HaarHelperData = { debug: false }): Promise<void> {
  const h = helper.get(data);
  await h.request({ gray: new Uint8Array(0), width: 0, height: 0, cascadeFile, sides: [], scaleFactor: 1.1 });
  h.ready = h.running;
}

/** True once the helper has loaded opencv.js: callers can skip preparing a job before that. */
export function haarHelperReady(): boolean {
  return helper.ifReady() !== null;
}

/** Sends levels to the helper when it is ready; null means "do them yourself". */
export function helperDetections(job: ToHaarHelper): Promise<Int32Array> | null {
  return helper.ifReady()?.request(job) ?? null;
}

/** Stops the helper thread (tests, shutdown). */
export const stopHaarHelper = (): Promise<void> => helper.stop();

export const haarHelperRunning = (): boolean => helper.running;
