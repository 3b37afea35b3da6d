/** Where training batches come from: uint8 images (CNN/RNN) or float feature rows (paper preset). */
import type { Rng } from '../random.ts';
import { DEFAULT_AUGMENT, fillBatch, NO_AUGMENT, type AugmentOptions } from './batches.ts';

export interface BatchSource {
  count: number;
  labels: Uint8Array;
  /** Floats per example. */
  featureSize: number;
  /** Writes examples `indices` into `out`; `rng` null means no augmentation (evaluation). */
  fill(indices: ArrayLike<number>, out: Float32Array, rng: Rng | null): void;
}

/**
 * `augment` applies when the trainer passes an rng; `alwaysAugment` applies it in
 * evaluation too (used for the deterministic views of test-time augmentation).
 */
export function imageSource(
  images: Uint8Array,
  labels: Uint8Array,
  size: number,
  augment: AugmentOptions = DEFAULT_AUGMENT,
  alwaysAugment = false,
): BatchSource {
  return {
    count: labels.length,
    labels,
    featureSize: size * size,
    fill: (indices, out, rng) =>
      fillBatch(images, size, indices, out, rng || alwaysAugment ? augment : NO_AUGMENT, rng ?? Math.random),
  };
}

/** Rows of precomputed float features (e.g. PCA coefficients), copied as they are. */
export function featureSource(features: Float32Array, labels: Uint8Array, featureSize: number): BatchSource {
  return {
    count: labels.length,
    labels,
    featureSize,
    fill: (indices, out) => {
      for (let b = 0; b < indices.length; b++) {
        out.set(features.subarray(indices[b] * featureSize, (indices[b] + 1) * featureSize), b * featureSize);
      }
    },
  };
}
