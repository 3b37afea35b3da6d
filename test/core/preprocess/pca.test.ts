import * as tf from '@tensorflow/tfjs';
import { Matrix } from 'ml-matrix';
import { PCA } from 'ml-pca';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { FerError } from '../../../src/core/errors.ts';
import { fitPca } from '../../../src/core/preprocess/pca.ts';
import { inverseTransformPca, transformPca } from '../../../src/core/preprocess/pca-transform.ts';
import type { Progress } from '../../../src/core/task.ts';
import { csvImages, dot, row, rows, structuredData } from './pca-helpers.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Our model against ml-pca (exact SVD): ratios within 1e-3 relative, top components equal up to sign. */
function expectAgreesWithMlPca(model: Awaited<ReturnType<typeof fitPca>>, ml: PCA, top: number): void {
  const ratios = ml.getExplainedVariance();
  const values = ml.getEigenvalues();
  const vectors = ml.getEigenvectors() as Matrix;
  for (let c = 0; c < model.k; c++) {
    expect(Math.abs(model.explainedVarianceRatio[c] - ratios[c]) / ratios[c]).toBeLessThan(1e-3);
    expect(Math.abs(model.explainedVariance[c] - values[c]) / values[c]).toBeLessThan(1e-3);
  }
  for (let c = 0; c < top; c++) {
    expect(Math.abs(dot(row(model.components, c, model.d), vectors.getColumn(c)))).toBeGreaterThan(0.999);
  }
}

describe('fitPca against ml-pca', () => {
  it('agrees on 300 x 64 structured data', async () => {
    const n = 300;
    const d = 64;
    const data = structuredData(n, d, 12, 1);
    const model = await fitPca(data, n, d, 10);
    const ml = new PCA(rows(data, n, d));
    expect(model.k).toBe(10);
    expectAgreesWithMlPca(model, ml, 10);
    const mlMeans = (ml.toJSON() as { means: number[] }).means;
    mlMeans.forEach((m, j) => expect(model.mean[j]).toBeCloseTo(m, 4));
  });

  it('agrees on 200 real FER images at 16x16, and picks the same k for 95 % variance', async () => {
    const n = 200;
    const d = 256;
    const pixels = await csvImages(n, 16);
    const model = await fitPca(pixels, n, d, { varianceFraction: 0.95 }, { scale: 1 / 255 });
    const ml = new PCA(rows(pixels, n, d, 1 / 255));
    const mlK = ml.getCumulativeVariance().findIndex((c) => c > 0.95) + 1;
    expect(model.k).toBe(mlK);
    expect(model.k).toBeGreaterThan(10);
    expectAgreesWithMlPca(model, ml, 10);
    expect(model.explainedVarianceRatio.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.95);
  });

  it('projects like ml-pca predict (up to the sign of each component)', async () => {
    const n = 120;
    const d = 32;
    const data = structuredData(n, d, 6, 2);
    const model = await fitPca(data, n, d, 4);
    const ours = transformPca(model, data, n);
    const theirs = new PCA(rows(data, n, d)).predict(rows(data, n, d), { nComponents: 4 }) as Matrix;
    for (let c = 0; c < 4; c++) {
      const sign = Math.sign(ours[c] * theirs.get(0, c)) || 1;
      for (let i = 0; i < n; i++) expect(ours[i * 4 + c]).toBeCloseTo(sign * theirs.get(i, c), 2);
    }
  });
});

describe('fitPca properties', () => {
  it('round-trips through all components and orders variance', async () => {
    const n = 150;
    const d = 24;
    const data = structuredData(n, d, 5, 3);
    const model = await fitPca(data, n, d, d);
    const back = inverseTransformPca(model, transformPca(model, data, n), n);
    for (let i = 0; i < n * d; i++) expect(back[i]).toBeCloseTo(data[i], 3);
    expect(model.explainedVarianceRatio.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    for (let c = 1; c < d; c++) expect(model.explainedVariance[c]).toBeLessThanOrEqual(model.explainedVariance[c - 1]);
  });

  it('folds copied features: gray replicated to RGB equals gray PCA spread over the copies', async () => {
    const n = 100;
    const g = 36;
    const gray = await csvImages(n, 6);
    const rgb = new Uint8Array(n * g * 3);
    for (let i = 0; i < n * g; i++) rgb.fill(gray[i], i * 3, i * 3 + 3);
    const one = await fitPca(gray, n, g, 5, { scale: 1 / 255 });
    const three = await fitPca(rgb, n, g * 3, 100, { scale: 1 / 255 });
    for (let c = 0; c < 5; c++) {
      expect(three.explainedVariance[c] / one.explainedVariance[c]).toBeCloseTo(3, 4);
      for (let j = 0; j < g; j++)
        expect(three.components[c * g * 3 + j * 3 + 1]).toBeCloseTo(one.components[c * g + j] / Math.sqrt(3), 5);
    }
    // 100 components of a 108-dim space whose data spans at most 36: the rest have zero variance,
    // and all 100 rows stay orthonormal.
    expect(Array.from(three.explainedVariance.subarray(36))).toEqual(new Array(64).fill(0));
    for (let a = 0; a < 100; a += 7) {
      for (let b = a; b < 100; b += 5)
        expect(dot(row(three.components, a, 108), row(three.components, b, 108))).toBeCloseTo(a === b ? 1 : 0, 5);
    }
    expect(three.mean[4]).toBe(three.mean[5]);
  });

  it('reports progress under stage "pca", leaks no tensors, and stops when cancelled', async () => {
    const data = structuredData(80, 16, 4, 4);
    const seen: Progress[] = [];
    const before = tf.memory().numTensors;
    await fitPca(data, 80, 16, 3, { onProgress: (p) => seen.push(p) });
    expect(tf.memory().numTensors).toBe(before);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((p) => p.stage === 'pca' && p.fraction >= 0 && p.fraction <= 1)).toBe(true);
    const ctl = new AbortController();
    ctl.abort();
    const err = await fitPca(data, 80, 16, 3, { signal: ctl.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerError);
    expect((err as FerError).kind).toBe('cancelled');
  });

  it('rejects impossible requests with clear errors', async () => {
    const data = structuredData(10, 4, 2, 5);
    await expect(fitPca(data, 10, 4, 5)).rejects.toThrow(/from 1 to 4/);
    await expect(fitPca(data, 10, 4, { varianceFraction: 1.5 })).rejects.toThrow(/fraction/);
    await expect(fitPca(data, 1, 4, 2)).rejects.toThrow(/at least 2 samples/);
    await expect(fitPca(new Float32Array(40).fill(1), 10, 4, 2)).rejects.toThrow(/identical/);
  });
});
