import { promises as fs } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/core/backend/init-backend.ts';
import { FER_CLASSES } from '../../src/core/dataset/types.ts';
import { loadDataset } from '../../src/core/dataset/load-dataset.ts';
import { predictProbs } from '../../src/core/eval/evaluate.ts';
import { loadFerModel } from '../../src/core/model-io/load-fer-model.ts';
import { maxReferenceDiff, parseTorchManifest } from '../../src/core/model-io/torch-weights.ts';
import { argmaxRows } from '../../src/core/train/infer.ts';

// models/REPORT.md and test/fixtures/shipped/expected.json are written together by scripts/report.ts.
const expected = JSON.parse(await fs.readFile('test/fixtures/shipped/expected.json', 'utf8')) as Record<string, { predictions: number[]; ttaPredictions: number[]; accuracy: number }>;

describe.each(['cnn', 'rnn'])('shipped %s model', (kind) => {
  beforeAll(async () => {
    await initBackend();
  });

  it('loads with its class names, input size and training metadata', async () => {
    const m = await loadFerModel(`models/${kind}`);
    expect(m.meta.classes).toEqual([...FER_CLASSES]);
    expect(m.meta.kind).toBe(kind);
    expect(m.meta.preprocessing).toMatchObject({ size: 48, channels: 1 });
    expect(m.meta.history.length).toBeGreaterThan(0);
    expect(m.meta.history.every((h) => h.valAccuracy !== null)).toBe(true);
    const weights = (await fs.stat(`models/${kind}/weights.bin`)).size;
    expect(weights).toBeLessThan(10 * 1024 * 1024);
    m.model.dispose();
  });

  it('classifies the committed PublicTest fixture as the report says', async () => {
    const m = await loadFerModel(`models/${kind}`);
    const ds = await loadDataset('test/fixtures/shipped/publictest.X.npy');
    const predictions = Array.from(argmaxRows(await predictProbs(m, ds.images, ds.labels), 7));
    const want = expected[kind].predictions;
    // Identical on the backend that wrote the report; another backend's float
    // rounding may flip at most a near-tie.
    const differing = predictions.filter((p, i) => p !== want[i]).length;
    expect(differing).toBeLessThanOrEqual(1);
    const accuracy = predictions.filter((p, i) => p === ds.labels[i]).length / ds.count;
    expect(Math.abs(accuracy - expected[kind].accuracy)).toBeLessThanOrEqual(1 / ds.count);
    m.model.dispose();
  });

  it('reproduces the outputs PyTorch computed for the weights it was trained as (first PublicTest images)', async () => {
    // The shipped weights were trained on a GPU by scripts/gpu/train_torch_gpu.py; its manifest
    // (models/torch-runs/...) holds float32 CPU probabilities of PublicTest images 0-7.
    const m = await loadFerModel(`models/${kind}`);
    const source = String(m.meta.options.source);
    const manifest = parseTorchManifest(JSON.parse(await fs.readFile(source, 'utf8')), source);
    const ds = await loadDataset('../shared/datasets/fer2013/publictest.X.npy');
    const n = manifest.reference.length;
    expect(n).toBe(8);
    const probs = await predictProbs(m, ds.images.subarray(0, n * 48 * 48), ds.labels.subarray(0, n));
    expect(maxReferenceDiff(manifest, probs)).toBeLessThan(1e-4);
    m.model.dispose();
  });

  it('classifies the fixture with TTA view averaging (as fer predict and the app do) as the report says', async () => {
    const m = await loadFerModel(`models/${kind}`);
    const ds = await loadDataset('test/fixtures/shipped/publictest.X.npy');
    const predictions = Array.from(argmaxRows(await predictProbs(m, ds.images, ds.labels, { tta: true }), 7));
    expect(predictions.filter((p, i) => p !== expected[kind].ttaPredictions[i]).length).toBeLessThanOrEqual(1);
    m.model.dispose();
  });
});
