/**
 * Heat maps for a photo: the faces predict finds, each model's answer for each (with the
 * same test-time augmentation as predict, so the map explains the label the user sees),
 * and where that model looked (explain/heat-map.ts), as a 48x48 map and over the face box.
 */
import { readInputFile } from '../dataset/read-input.ts';
import { decodeImage, type DecodedImage } from '../image/decode-image.ts';
import { sharedFaceDetector } from '../face/detector.ts';
import { findFaces } from '../face/find-faces.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { throwIfCancelled } from '../errors.ts';
import { explainCrops, type HeatMap } from '../explain/heat-map.ts';
import { mapOverBox } from '../explain/resize-map.ts';
import { classifyCrops } from './classify-crops.ts';
import { modelKeys, type PredictOptions } from './predict-image.ts';

export interface ModelHeat extends HeatMap {
  /** The heat over the face box, box width x box height (rounded), 0..1. */
  boxMap: Float32Array;
  boxWidth: number;
  boxHeight: number;
}

export interface FaceHeat {
  box: [number, number, number, number];
  /** The 48x48 gray crop the models read. */
  crop: Uint8Array;
  wholeImage: boolean;
  /** Per model key (as predictImage's `models`). */
  models: Record<string, ModelHeat>;
}

export interface ImageHeat {
  file: string;
  image: DecodedImage;
  faces: FaceHeat[];
}

export interface ExplainImageOptions extends PredictOptions {
  signal?: AbortSignal;
  /** After each model's maps: models done, of all. */
  onProgress?: (done: number, total: number) => void;
}

const CROP = 48;

export async function explainImage(
  models: FerModel[],
  file: string,
  opts: ExplainImageOptions = {},
  bytes?: Uint8Array,
): Promise<ImageHeat> {
  const image = await decodeImage(bytes ?? (await readInputFile(file, 'image')), { file });
  const d = opts.detector;
  const detector = typeof d === 'object' ? d : await sharedFaceDetector({ kind: d ?? 'yunet' });
  const margin = opts.margin ?? 0.2;
  const found = await findFaces(image, { margin, size: CROP, wholeImageIfNone: opts.wholeImageIfNoFace, detector });
  const faces: FaceHeat[] = found.map((f) => ({ box: f.box, crop: f.crop, wholeImage: !!f.wholeImage, models: {} }));
  if (!faces.length) return { file, image, faces };
  const crops = new Uint8Array(faces.length * CROP * CROP);
  faces.forEach((f, i) => crops.set(f.crop, i * CROP * CROP));
  const ds = {
    format: 'folder' as const,
    source: file,
    classes: [],
    count: faces.length,
    height: CROP,
    width: CROP,
    channels: 1 as const,
    images: crops,
    labels: new Uint8Array(faces.length),
    split: null,
  };
  const probs = await classifyCrops(models, ds, { tta: opts.tta ?? true, zoom: opts.zoom });
  const keys = opts.keys ?? modelKeys(models);
  for (const [mi, m] of models.entries()) {
    throwIfCancelled(opts.signal);
    const k = m.meta.classes.length;
    const winners = faces.map((_, i) => argMax(probs[mi].subarray(i * k, (i + 1) * k)));
    const maps = await explainCrops(m, crops, faces.length, CROP, { classIndices: winners, signal: opts.signal });
    maps.forEach((h, i) => {
      const f = faces[i];
      // The whole-image fallback's crop is the image itself (no margin).
      const boxMap = mapOverBox(h.map, h.size, f.box[2], f.box[3], f.wholeImage ? 0 : margin);
      f.models[keys[mi]] = {
        ...h,
        boxMap,
        boxWidth: Math.max(1, Math.round(f.box[2])),
        boxHeight: Math.max(1, Math.round(f.box[3])),
      };
    });
    opts.onProgress?.(mi + 1, models.length);
  }
  return { file, image, faces };
}

function argMax(p: Float32Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}
