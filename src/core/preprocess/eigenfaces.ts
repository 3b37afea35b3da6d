/**
 * What a fitted PCA keeps, as pictures: the mean face, the first eigenfaces and
 * one image reconstructed from its first m coefficients for several m. Pixels
 * come back as uint8 images (side x side x channels), ready to encode.
 */
import type { PcaModel } from './pca.ts';
import { inverseTransformPca, transformPca } from './pca-transform.ts';

export interface EigenPictures {
  mean: Uint8Array;
  eigenfaces: Uint8Array[];
  original: Uint8Array;
  reconstructions: { components: number; image: Uint8Array }[];
}

/** Maps values in [0, 1] (the fit's scale: pixels / 255) to bytes, clamped. */
function toBytes(v: ArrayLike<number>): Uint8Array {
  return Uint8Array.from({ length: v.length }, (_, i) => Math.round(255 * Math.min(1, Math.max(0, v[i]))));
}

/** An eigenvector stretched to 0..255 (its sign is arbitrary, so mid-gray is zero). */
function eigenBytes(row: Float32Array): Uint8Array {
  let max = 1e-12;
  for (const x of row) max = Math.max(max, Math.abs(x));
  return Uint8Array.from(row, (x) => Math.round(127.5 + (127.5 * x) / max));
}

/** `image`: one uint8 image of the fitted size; `counts`: component counts to reconstruct at (capped at k). */
export function eigenPictures(pca: PcaModel, image: Uint8Array, counts: number[], faces = 16): EigenPictures {
  const { d, k } = pca;
  const coeffs = transformPca(pca, image, 1, { scale: 1 / 255 });
  const reconstructions = [...new Set(counts.map((m) => Math.min(k, Math.max(1, m))))].map((m) => {
    const c = new Float32Array(k);
    c.set(coeffs.subarray(0, m));
    return { components: m, image: toBytes(inverseTransformPca(pca, c, 1)) };
  });
  return {
    mean: toBytes(pca.mean),
    eigenfaces: Array.from({ length: Math.min(faces, k) }, (_, i) =>
      eigenBytes(pca.components.subarray(i * d, (i + 1) * d)),
    ),
    original: image.slice(0, d),
    reconstructions,
  };
}

/** Cumulative explained-variance fractions after 1..k components. */
export function cumulativeVariance(pca: PcaModel): number[] {
  let sum = 0;
  return Array.from(pca.explainedVarianceRatio, (r) => (sum += r));
}

/**
 * Whether every pixel's 3 channels are equal in these RGB images (gray replicated
 * to RGB, as the paper preset's data is): then 2 of every 3 features are copies and
 * the data span at most d/3 dimensions, so any k >= d/3 keeps all the variance.
 */
export function channelsAreCopies(images: Uint8Array, channels: 1 | 3): boolean {
  if (channels !== 3) return false;
  for (let i = 0; i < images.length; i += 3)
    if (images[i] !== images[i + 1] || images[i] !== images[i + 2]) return false;
  return true;
}
