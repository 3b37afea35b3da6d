/**
 * Turns dataset images into exactly the input a saved model was trained on,
 * as recorded in its meta.json: gray 48x48 scaled to 0..1 for the CNN/RNN, or
 * RGB 32x32 -> PCA coefficients for the paper preset. Training, evaluation and
 * prediction all go through here so they can never disagree.
 */
import type { Dataset } from '../dataset/types.ts';
import { toGrayResized, toRgbResized } from '../image/resize-stack.ts';
import type { PcaModel } from '../preprocess/pca.ts';
import { inverseTransformPca, transformPca } from '../preprocess/pca-transform.ts';
import { featureSource, imageSource, type BatchSource } from './batch-source.ts';
import { NO_AUGMENT } from './batches.ts';
import type { ModelMeta } from '../models/types.ts';

/** One deterministic view of a face for test-time augmentation. */
export interface TtaView {
  mirror: boolean;
  /** Centre magnification (1: the whole face). */
  zoom: number;
}

/** The views `--tta`, `fer predict` and the app average: the face and its mirror image. */
export const TTA_VIEWS: readonly TtaView[] = [
  { mirror: false, zoom: 1 },
  { mirror: true, zoom: 1 },
];

/**
 * `--tta-zoom`: also a 1.1x centre zoom and its mirror image. +0.5 to 1.1 points on
 * PublicTest for every shipped-architecture network (models/REPORT.md), but twice the
 * classification time per face, which takes `fer predict` past native OpenCV + PyTorch
 * (README benchmarks), so it is an option, not the default.
 */
export const ZOOM_TTA_VIEWS: readonly TtaView[] = [
  ...TTA_VIEWS,
  { mirror: false, zoom: 1.1 },
  { mirror: true, zoom: 1.1 },
];

export const ttaViews = (zoom?: boolean): readonly TtaView[] => (zoom ? ZOOM_TTA_VIEWS : TTA_VIEWS);

/** Whether flip test-time augmentation applies (image inputs; PCA features have no left and right). */
export function supportsTta(meta: ModelMeta): boolean {
  return !meta.preprocessing.pca;
}

/** Images of `ds` resized/converted to what the model's preprocessing says. */
export function pixelsForModel(meta: ModelMeta, ds: Dataset): Uint8Array {
  const { size, channels } = meta.preprocessing;
  return (channels === 3 ? toRgbResized(ds, size) : toGrayResized(ds, size)).images;
}

/** `view` gives that test-time-augmentation view of the images (image inputs only). */
export function sourceForModel(
  meta: ModelMeta,
  pixels: Uint8Array,
  labels: Uint8Array,
  pca: PcaModel | null,
  view?: TtaView,
): BatchSource {
  const p = meta.preprocessing;
  if (!p.pca) return imageSource(pixels, labels, p.size, { ...NO_AUGMENT, ...view }, !!view);
  if (!pca) throw new Error('this model needs its pca.bin');
  const n = labels.length;
  const coeffs = transformPca(pca, pixels, n, { scale: 1 / 255 });
  if (p.pca.mode === 'reconstruct') return featureSource(inverseTransformPca(pca, coeffs, n), labels, pca.d);
  // Paper preset: coefficients fill a 28x28x3 block; with fewer than 2,352 components
  // (small datasets) the rest stays zero, as the reference's reshape could not run at all.
  const width = meta.inputShape.reduce((a, b) => a * b, 1);
  if (width === pca.k) return featureSource(coeffs, labels, width);
  const padded = new Float32Array(n * width);
  for (let i = 0; i < n; i++) padded.set(coeffs.subarray(i * pca.k, (i + 1) * pca.k), i * width);
  return featureSource(padded, labels, width);
}
