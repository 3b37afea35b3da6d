/** Shared data and comparisons for the PCA tests. */
import { join } from 'node:path';
import { loadCsvDataset } from '../../../src/core/dataset/load-csv.ts';
import { toGrayResized } from '../../../src/core/image/resize-stack.ts';
import { mulberry32, fillGaussian } from '../../../src/core/random.ts';

export const CSV_SAMPLE = join(process.cwd(), '../shared/datasets/samples/fer2013-sample.csv');

/** n x d rows: a few strong latent directions with decaying scales plus small noise. */
export function structuredData(n: number, d: number, latent: number, seed: number, decay = 0.7): Float32Array {
  const rng = mulberry32(seed);
  const basis = new Float32Array(latent * d);
  fillGaussian(basis, rng);
  for (let l = 0; l < latent; l++) for (let j = 0; j < d; j++) basis[l * d + j] *= decay ** l;
  const z = new Float32Array(n * latent);
  fillGaussian(z, rng);
  const noise = new Float32Array(n * d);
  fillGaussian(noise, rng);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      out[i * d + j] = 3 + 0.05 * noise[i * d + j] + 0.01 * j;
    }
    for (let l = 0; l < latent; l++) {
      const zl = z[i * latent + l];
      for (let j = 0; j < d; j++) out[i * d + j] += zl * basis[l * d + j];
    }
  }
  return out;
}

/** The first `n` images of the Kaggle CSV sample, resized to size x size, as uint8 rows. */
export async function csvImages(n: number, size: number): Promise<Uint8Array> {
  const ds = await loadCsvDataset(CSV_SAMPLE);
  return toGrayResized(ds, size).images.slice(0, n * size * size);
}

export function rows(data: ArrayLike<number>, n: number, d: number, scale = 1): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => data[i * d + j] * scale));
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function row(m: Float32Array | Float64Array, i: number, d: number): Float32Array | Float64Array {
  return m.subarray(i * d, (i + 1) * d);
}
