import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadDataset } from '../../../src/core/dataset/load-dataset.ts';
import { predictProbs } from '../../../src/core/eval/evaluate.ts';
import { loadFerModel, type FerModel } from '../../../src/core/model-io/load-fer-model.ts';
import { sourceForModel, TTA_VIEWS, ZOOM_TTA_VIEWS } from '../../../src/core/input/model-input.ts';
import { predictAll } from '../../../src/core/train/infer.ts';

describe('predictProbs with test-time augmentation', () => {
  let m: FerModel;
  beforeAll(async () => {
    await initBackend();
    m = await loadFerModel('models/cnn');
  });

  it.each([false, true])(
    'is the mean of the views classified one view at a time, face by face (zoom %s)',
    async (zoom) => {
      const views = zoom ? ZOOM_TTA_VIEWS : TTA_VIEWS;
      const ds = await loadDataset('test/fixtures/shipped/publictest.X.npy');
      const n = 5;
      const pixels = ds.images.subarray(0, n * 48 * 48);
      const labels = ds.labels.subarray(0, n);
      const stacked = await predictProbs(m, pixels, labels, { tta: true, zoom, batchSize: 3 }); // batches straddle views
      const mean = new Float32Array(n * 7);
      for (const view of views) {
        const p = await predictAll(m.model, sourceForModel(m.meta, pixels, labels, m.pca, view), m.meta.inputShape);
        p.forEach((v, i) => {
          mean[i] += v / views.length;
        });
      }
      stacked.forEach((v, i) => expect(v).toBeCloseTo(mean[i], 5));
      const plain = await predictProbs(m, pixels, labels);
      expect(Math.max(...plain.map((v, i) => Math.abs(v - stacked[i])))).toBeGreaterThan(1e-3); // the views do change the answer
      for (let i = 0; i < n; i++)
        expect(stacked.subarray(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    },
  );

  it('reports one progress bar across all views', async () => {
    const ds = await loadDataset('test/fixtures/shipped/publictest.X.npy');
    const fractions: number[] = [];
    await predictProbs(m, ds.images.subarray(0, 4 * 48 * 48), ds.labels.subarray(0, 4), {
      tta: true,
      zoom: true,
      batchSize: 4,
      onProgress: (p) => fractions.push(p.fraction),
    });
    expect(fractions).toEqual([0.25, 0.5, 0.75, 1]);
  });
});
