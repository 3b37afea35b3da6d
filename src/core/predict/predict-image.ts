/**
 * Prediction on a photo: decode, find faces (YuNet by default, or the Haar
 * cascade), crop each with a margin, and classify every face with every given model.
 */
import { readInputFile } from '../dataset/read-input.ts';
import { decodeImage } from '../image/decode-image.ts';
import { describeDetector, sharedFaceDetector, type DetectorKind, type FaceDetector } from '../face/detector.ts';
import { findFaces } from '../face/find-faces.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { slotFor } from '../../contract/model-kinds.ts';
import type { Dataset } from '../dataset/types.ts';
import { classifyCrops } from './classify-crops.ts';

export interface FacePrediction {
  box: [number, number, number, number];
  /** The detector's confidence (YuNet); absent for Haar and the whole image. */
  score?: number;
  /** Per model key (PredictOptions.keys; default its kind, "cnn-2" for a second CNN...): the winning label and all probabilities. */
  models: Record<string, { label: string; probabilities: Record<string, number> }>;
  /** The first model's answer, for the CLI's flat output. */
  label: string;
  probabilities: Record<string, number>;
}

export interface ImagePrediction {
  file: string;
  width: number;
  height: number;
  faces: FacePrediction[];
  /** True when no face was found and the whole image was classified instead. */
  wholeImage: boolean;
  /** The detector that looked, e.g. "YuNet (onnxruntime-node)" (describeDetector). */
  detector: string;
}

export interface PredictOptions {
  /** Classify the whole image when no face is found (default false: report "no face found"). */
  wholeImageIfNoFace?: boolean;
  margin?: number;
  /** Average each face with its mirror image (TTA_VIEWS, as `fer eval --tta` measures it);
   * default true: about +0.5 to 0.8 points on PublicTest for a forward pass of 2 images instead of 1. */
  tta?: boolean;
  /** With `tta`: also a 1.1x centre zoom and its mirror (ZOOM_TTA_VIEWS; `fer eval --tta-zoom`). */
  zoom?: boolean;
  /**
   * Which face detector: a kind (the process-wide one of that kind, sharedFaceDetector)
   * or an open detector. Default 'yunet' (falls back to Haar where no ONNX Runtime loads).
   */
  detector?: DetectorKind | FaceDetector;
  /** The key of each model's answers (the app's slots); default modelKeys(models). */
  keys?: string[];
}

/** Each model's kind, numbered when a kind repeats ("cnn", "cnn-2"), so two models of one kind are both kept. */
export function modelKeys(models: FerModel[]): string[] {
  const seen = new Map<string, number>();
  return models.map((m) => {
    const n = seen.get(m.meta.kind) ?? 0;
    seen.set(m.meta.kind, n + 1);
    return slotFor(m.meta.kind, n);
  });
}

export async function predictImage(
  models: FerModel[],
  file: string,
  opts: PredictOptions = {},
  bytes?: Uint8Array,
): Promise<ImagePrediction> {
  const img = await decodeImage(bytes ?? (await readInputFile(file, 'image')), { file });
  const d = opts.detector;
  const detector = typeof d === 'object' ? d : await sharedFaceDetector({ kind: d ?? 'yunet' });
  const crops = await findFaces(img, {
    margin: opts.margin,
    size: 48,
    wholeImageIfNone: opts.wholeImageIfNoFace,
    detector,
  });
  const whole = crops.some((c) => c.wholeImage);
  const faces: FacePrediction[] = crops.map((c) => ({
    box: c.box,
    ...(c.score !== undefined ? { score: c.score } : {}),
    models: {},
    label: '',
    probabilities: {},
  }));
  // The crops are the same for every model: stack them once (none found -> nothing to classify).
  const ds: Dataset = {
    format: 'folder',
    source: file,
    classes: [],
    count: crops.length,
    height: 48,
    width: 48,
    channels: 1,
    images: concat(crops.map((c) => c.crop)),
    labels: new Uint8Array(crops.length),
    split: null,
  };
  const keys = opts.keys ?? modelKeys(models);
  const perModel = crops.length ? await classifyCrops(models, ds, { tta: opts.tta ?? true, zoom: opts.zoom }) : [];
  for (const [mi, probs] of perModel.entries()) {
    const m = models[mi];
    const k = m.meta.classes.length;
    faces.forEach((f, i) => {
      const p = Object.fromEntries(m.meta.classes.map((c, j) => [c, probs[i * k + j]]));
      const label = m.meta.classes.reduce((a, c) => (p[c] > p[a] ? c : a), m.meta.classes[0]);
      f.models[keys[mi]] = { label, probabilities: p };
      if (!f.label) Object.assign(f, { label, probabilities: p });
    });
  }
  return { file, width: img.width, height: img.height, faces, wholeImage: whole, detector: describeDetector(detector) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
