/**
 * The live camera's frames and answers. A frame crosses as one ordinary
 * request (`liveFrame`), so both transports, the worker relay and the
 * boundary validation are the ones every other request uses. Why frames are a
 * downscaled JPEG analysed in the backend, one in flight: see bench/live.ts
 * and renderer/src/views/live-view.ts.
 */
import type { ModelSlot } from './snapshot.ts';
import { int, obj, oneOf, str } from './validators.ts';

/** Frames larger than this are refused (the page sends at most 640 px wide). */
export const LIVE_MAX_SIDE = 1280;
/** Base64 characters of one frame: a 1280x960 RGBA frame, the largest raw one accepted. */
const MAX_FRAME_CHARS = Math.ceil((LIVE_MAX_SIDE * 960 * 4) / 3) * 4;

export const LIVE_FRAME = obj({
  /** The frame's bytes, base64: a JPEG, or width*height*4 RGBA bytes. */
  image: str({ max: MAX_FRAME_CHARS, pattern: /^[A-Za-z0-9+/]*={0,2}$/ }),
  format: oneOf(['jpeg', 'rgba'] as const),
  width: int(16, LIVE_MAX_SIDE),
  height: int(16, LIVE_MAX_SIDE),
});

export interface LiveFace {
  /** [x, y, w, h] in the frame's pixels. */
  box: [number, number, number, number];
  /** The detector's confidence, or null for a detector that gives none (Haar). */
  score: number | null;
  /** Per model slot: class probabilities in the order of `LiveFrameResult.classes[slot]`. */
  probabilities: Partial<Record<ModelSlot, number[]>>;
}

export interface LiveFrameResult {
  width: number;
  height: number;
  faces: LiveFace[];
  classes: Partial<Record<ModelSlot, string[]>>;
  /** e.g. "YuNet (onnxruntime-node)" or "Haar cascade (opencv.js)". */
  detector: string;
  /** The classifiers' runtime, e.g. "TensorFlow.js wasm". */
  backend: string;
  /** Milliseconds spent in the backend, per stage. */
  timings: { decode: number; detect: number; classify: number; total: number };
  /** TensorFlow.js tensors alive in the backend after this frame: flat over a session unless memory leaks (bench/live.ts --soak). */
  tensors: number;
}
