import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadCsvDataset } from '../../../src/core/dataset/load-csv.ts';
import { PAPER_COMPONENTS, preprocessDataset } from '../../../src/core/preprocess/preprocess.ts';
import { transformPca } from '../../../src/core/preprocess/pca-transform.ts';
import { CSV_SAMPLE, dot, row } from './pca-helpers.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('paper preset', () => {
  it('makes 32x32x3 images and 2,352 PCA components, as the reference application did', async () => {
    const ds = await loadCsvDataset(CSV_SAMPLE);
    const r = await preprocessDataset(ds, { preset: 'paper' });
    expect(r).toMatchObject({ preset: 'paper', size: 32, channels: 3, usePcaInput: true });
    expect(r.report).toMatchObject({ featuresBefore: 2304, featuresAfter: PAPER_COMPONENTS });
    const pca = r.pca;
    if (!pca) throw new Error('no PCA');
    expect([pca.k, pca.d]).toEqual([PAPER_COMPONENTS, 3072]);
    // 700 train images span at most 699 directions: 2,352 components keep all the variance.
    expect(r.report.explainedVariance).toBeCloseTo(1, 5);
    expect(pca.explainedVariance[0]).toBeGreaterThan(pca.explainedVariance[1]);
    expect(pca.explainedVariance[PAPER_COMPONENTS - 1]).toBe(0);
    for (const [a, b] of [
      [0, 0],
      [0, 1],
      [5, 900],
      [1000, 1000],
      [1000, 2351],
      [2351, 2351],
    ]) {
      expect(dot(row(pca.components, a, 3072), row(pca.components, b, 3072))).toBeCloseTo(a === b ? 1 : 0, 4);
    }
    const coeffs = transformPca(pca, r.test.images, r.test.count, { scale: 1 / 255 });
    expect(coeffs.length).toBe(r.test.count * PAPER_COMPONENTS);
  });
});
