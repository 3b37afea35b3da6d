/**
 * One camera frame -> its faces, each classified by every model. The same
 * crop (cropDetectedFace: eyes levelled where YuNet gave landmarks) and
 * classifier (classifyCrops) as photo prediction; only the
 * detector is passed in, so the caller picks YuNet or Haar and this stays
 * free of which one loaded.
 */
import type { Dataset } from '../dataset/types.ts';
import { cropDetectedFace } from '../face/find-faces.ts';
import type { LandmarkedFace } from '../face/levelled-crop.ts';
import { rgbaToRgb, rgbToGray } from '../image/gray.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { classifyCrops } from '../predict/classify-crops.ts';

export interface FrameImage {
  width: number;
  height: number;
  /** width*height*3 RGB. */
  rgb: Uint8Array;
  /** width*height luma. */
  gray: Uint8Array;
}

export interface FrameDetection {
  box: [number, number, number, number];
  score: number | null;
  /** The detector's unrounded box and eye landmarks (YuNet): the crop is then eye-levelled, as in photo Predict. */
  face?: LandmarkedFace;
}

export type FrameDetector = (frame: FrameImage) => Promise<FrameDetection[]>;

export interface FrameFace extends FrameDetection {
  /** Per model (in the order given): its classes' probabilities. */
  probabilities: Float32Array[];
}

export interface FrameAnalysis {
  faces: FrameFace[];
  timings: { detect: number; classify: number };
}

export interface AnalyseFrameOptions {
  /** Framing around each box, as photo prediction's (cropDetectedFace). Default 0.2. */
  margin?: number;
  /** Average each face with its mirror image, as photo prediction does. Default true. */
  tta?: boolean;
}

/** RGBA bytes (a canvas's ImageData) -> the frame's RGB and gray planes. */
export function rgbaFrame(rgba: Uint8Array, width: number, height: number): FrameImage {
  if (rgba.length !== width * height * 4)
    throw new RangeError(`expected ${width}x${height} RGBA bytes (${width * height * 4}), got ${rgba.length}`);
  const rgb = rgbaToRgb(rgba);
  return { width, height, rgb, gray: rgbToGray(rgb) };
}

export async function analyseFrame(
  models: FerModel[],
  frame: FrameImage,
  detect: FrameDetector,
  opts: AnalyseFrameOptions = {},
): Promise<FrameAnalysis> {
  const t0 = performance.now();
  const found = await detect(frame);
  const t1 = performance.now();
  if (!found.length || !models.length) {
    return { faces: found.map((f) => ({ ...f, probabilities: [] })), timings: { detect: t1 - t0, classify: 0 } };
  }
  const crops = frameCrops(frame, found, opts.margin);
  const perModel = await classifyCrops(models, crops, { tta: opts.tta ?? true });
  const faces = found.map((f, i) => ({
    ...f,
    probabilities: models.map((m, mi) => {
      const k = m.meta.classes.length;
      return perModel[mi].slice(i * k, (i + 1) * k);
    }),
  }));
  return { faces, timings: { detect: t1 - t0, classify: performance.now() - t1 } };
}

/** Every model sees the same 48x48 crops of the frame's faces, stacked once (as predictImage does). */
export function frameCrops(frame: FrameImage, found: readonly FrameDetection[], margin = 0.2): Dataset {
  const size = 48;
  const images = new Uint8Array(found.length * size * size);
  found.forEach((f, i) => {
    const [x, y, w, h] = f.box;
    images.set(cropDetectedFace(frame, { x, y, w, h }, f.face, margin, size), i * size * size);
  });
  return {
    format: 'folder',
    source: 'camera frame',
    classes: [],
    count: found.length,
    height: size,
    width: size,
    channels: 1,
    images,
    labels: new Uint8Array(found.length),
    split: null,
  };
}
