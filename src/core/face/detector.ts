/**
 * Picks the face detector: YuNet (the default; finds close-up and partly covered faces
 * the Haar cascade misses) on the first ONNX Runtime that opens it — onnxruntime-node,
 * then onnxruntime-web — else the Haar cascade the reference application used. The
 * result says which detector and runtime are in use, and why it fell back, so the
 * shells can show it.
 */
import { readFile } from 'node:fs/promises';
import { loadOrt, ORT_RUNTIMES, type OrtRuntimeName } from '../onnx/ort-runtime.ts';
import { rgbaToRgb, rgbToGray } from '../image/gray.ts';
import { detectFaces, type DetectOptions } from './haar.ts';
import type { DetectedFace } from './yunet-decode.ts';
import { defaultYunetModelPath } from './yunet-model-path.ts';
import { checkYunetOptions, createYunetDetector, type YunetOptions } from './yunet.ts';

export type { DetectedFace } from './yunet-decode.ts';

export type DetectorKind = 'yunet' | 'haar';
export type DetectorRuntime = OrtRuntimeName | 'opencv.js';

export interface FaceDetectorOptions extends YunetOptions {
  /** Default 'yunet'. */
  kind?: DetectorKind;
  /** The YuNet model file; default models/yunet/yunet_s_dynamic.onnx of this install. */
  modelPath?: string;
  /** ONNX runtimes YuNet may use, in order (ort-runtime's `allow`); default both. */
  allow?: readonly OrtRuntimeName[];
  /** Haar settings (cascade, scaleFactor...), for kind 'haar' and the fallback. */
  haar?: DetectOptions;
}

export interface FaceDetector {
  name: DetectorKind;
  runtime: DetectorRuntime;
  /** Why YuNet was asked for and Haar is used, e.g. "no ONNX Runtime could be loaded"; absent otherwise. */
  fallback?: string;
  /**
   * Faces in RGB or RGBA pixels (`channels` bytes per pixel, row-major), in that image's
   * coordinates. Haar gives no confidence (score 1) and no landmarks.
   */
  detect(
    pixels: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    channels: 3 | 4,
  ): Promise<DetectedFace[]>;
  dispose(): Promise<void>;
}

/** "YuNet (onnxruntime-node)", "Haar cascade (opencv.js)": the words the header shows. */
export function describeDetector(d: Pick<FaceDetector, 'name' | 'runtime'>): string {
  return `${d.name === 'yunet' ? 'YuNet' : 'Haar cascade'} (${d.runtime})`;
}

function toGray(pixels: Uint8Array | Uint8ClampedArray, width: number, height: number, channels: 3 | 4): Uint8Array {
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `face detection: expected ${width}x${height}x${channels} = ${width * height * channels} bytes, got ${pixels.length}`,
    );
  }
  if (channels === 3)
    return rgbToGray(
      pixels instanceof Uint8Array ? pixels : new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length),
    );
  return rgbToGray(rgbaToRgb(pixels));
}

function haarDetector(opts: DetectOptions, fallback?: string): FaceDetector {
  return {
    name: 'haar',
    runtime: 'opencv.js',
    ...(fallback ? { fallback } : {}),
    async detect(pixels, width, height, channels) {
      const boxes = await detectFaces(toGray(pixels, width, height, channels), width, height, opts);
      return boxes.map((b) => ({ box: [b.x, b.y, b.w, b.h], score: 1, landmarks: [] }));
    },
    // The cascade and its helper thread are shared process-wide (haar.ts: disposeFaceDetectors).
    async dispose() {},
  };
}

/** A detector of `opts.kind`; YuNet falls back runtime by runtime, then to Haar (never throws for that). */
export async function createFaceDetector(opts: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const kind = opts.kind ?? 'yunet';
  if (kind !== 'yunet' && kind !== 'haar')
    throw new RangeError(`face detector must be "yunet" or "haar", got ${String(kind)}`);
  if (kind === 'haar') return haarDetector(opts.haar ?? {});
  checkYunetOptions(opts);
  const modelPath = opts.modelPath ?? defaultYunetModelPath();
  let model: Uint8Array;
  try {
    model = await readFile(modelPath);
  } catch (e) {
    return haarDetector(
      opts.haar ?? {},
      `YuNet model not readable (${(e as NodeJS.ErrnoException).code ?? String(e)}: ${modelPath})`,
    );
  }
  const problems: string[] = [];
  for (const name of opts.allow ?? ORT_RUNTIMES) {
    const rt = await loadOrt({ allow: [name] });
    if (!rt) {
      problems.push(`${name} did not load`);
      continue;
    }
    try {
      const d = await createYunetDetector(rt, model, opts);
      return { name: 'yunet', runtime: d.runtime, detect: d.detect, dispose: d.dispose };
    } catch (e) {
      problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return haarDetector(opts.haar ?? {}, problems.length ? problems.join('; ') : 'no ONNX Runtime allowed');
}

const shared = new Map<string, Promise<FaceDetector>>();

/**
 * One detector per distinct options for the whole process (photo Predict, `fer predict`):
 * opening the ONNX session costs more than a detection. A failed open is not kept.
 */
export function sharedFaceDetector(opts: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const key = JSON.stringify(opts);
  let p = shared.get(key);
  if (!p) {
    shared.set(key, (p = createFaceDetector(opts)));
    p.catch(() => shared.delete(key));
  }
  return p;
}

/** Closes every shared detector (service shutdown, tests). */
export async function disposeSharedFaceDetectors(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  for (const p of all) await (await p.catch(() => null))?.dispose();
}
