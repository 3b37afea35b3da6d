import { promises as fs } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/core/backend/init-backend.ts';
import { FER_CLASSES } from '../../src/core/dataset/types.ts';
import { loadDataset } from '../../src/core/dataset/load-dataset.ts';
import { predictProbs } from '../../src/core/eval/evaluate.ts';
import { loadFerModel } from '../../src/core/model-io/load-fer-model.ts';
import { maxReferenceDiff, parseTorchManifest } from '../../src/core/model-io/torch-weights.ts';
import { sourceForModel, ZOOM_TTA_VIEWS } from '../../src/core/input/model-input.ts';
import { argmaxRows, predictAll } from '../../src/core/train/infer.ts';

// models/REPORT.md and test/fixtures/shipped/expected.json are written together by scripts/report.ts.
const expected = JSON.parse(await fs.readFile('test/fixtures/shipped/expected.json', 'utf8')) as Record<string, { predictions: number[]; ttaPredictions: number[]; accuracy: number }>;

const torchProbs = JSON.parse(await fs.readFile('test/fixtures/shipped/torch-probs.json', 'utf8')) as Record<string, number[][]>;

/** The figures models/REPORT.md's table states for `kind`: PublicTest accuracy without TTA, with mirror TTA, with 4 views ("67.5 %"). */
function reported(kind: string): { plain: string; mirrorTta: string; zoomTta: string } {
  const row = report.split('\n').find((l) => l.startsWith(`| ${kind.toUpperCase()} (\`models/${kind}/\`) |`));
  if (!row) throw new Error(`models/REPORT.md has no table row for ${kind}`);
  const [plain, mirrorTta, zoomTta] = row.split('|').slice(2, 5).map((c) => c.trim());
  return { plain, mirrorTta, zoomTta };
}
const report = await fs.readFile('models/REPORT.md', 'utf8');

/** Each face mirrored left to right (48x48 gray). */
function mirrored(images: Uint8Array): Uint8Array {
  const out = new Uint8Array(images.length);
  for (let row = 0; row < images.length; row += 48) for (let x = 0; x < 48; x++) out[row + x] = images[row + 47 - x];
  return out;
}

const correct = (probs: Float32Array, labels: Uint8Array) => argmaxRows(probs, 7).reduce((c, p, i) => c + (p === labels[i] ? 1 : 0), 0);

interface PublicTestProbs { plain: Float32Array; mirror: Float32Array; zoom: Float32Array[]; labels: Uint8Array }

/** The probabilities for all of PublicTest, its mirror images and the two zoomed views of --tta-zoom, computed once per model. */
const cache = new Map<string, Promise<PublicTestProbs>>();
function publicTest(kind: string) {
  if (!cache.has(kind)) {
    cache.set(kind, (async () => {
      const m = await loadFerModel(`models/${kind}`);
      const ds = await loadDataset('../shared/datasets/fer2013/publictest.X.npy');
      expect(ds.count).toBe(3589);
      const plain = await predictProbs(m, ds.images, ds.labels);
      const mirror = await predictProbs(m, mirrored(ds.images), ds.labels);
      const zoomViews = ZOOM_TTA_VIEWS.filter((v) => v.zoom !== undefined && v.zoom !== 1);
      expect(zoomViews).toHaveLength(2);
      const zoom: Float32Array[] = [];
      for (const view of zoomViews) zoom.push(await predictAll(m.model, sourceForModel(m.meta, ds.images, ds.labels, m.pca, view), m.meta.inputShape));
      m.model.dispose();
      return { plain, mirror, zoom, labels: ds.labels };
    })());
  }
  return cache.get(kind)!;
}

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

  it('scores on all of PublicTest what models/REPORT.md states, without and with mirror TTA', async () => {
    const { plain, mirror, labels } = await publicTest(kind);
    const stated = reported(kind);
    const percent = (probs: Float32Array) => `${((100 * correct(probs, labels)) / labels.length).toFixed(1)} %`;
    expect(percent(plain)).toBe(stated.plain);
    // The app's TTA: the mean of the face's and its mirror image's probabilities.
    expect(percent(plain.map((p, i) => (p + mirror[i]) / 2))).toBe(stated.mirrorTta);
  });

  it('scores on all of PublicTest what models/REPORT.md states with 4-view TTA (--tta-zoom)', async () => {
    const { plain, mirror, zoom, labels } = await publicTest(kind);
    const views = [plain, mirror, ...zoom];
    const mean = plain.map((_, i) => views.reduce((s, v) => s + v[i], 0) / views.length);
    expect(`${((100 * correct(mean, labels)) / labels.length).toFixed(1)} %`).toBe(reported(kind).zoomTta);
  });

  it('reproduces the outputs PyTorch computes for the same weights (first 320 PublicTest images)', async () => {
    const { plain } = await publicTest(kind);
    // The shipped weights were trained on a GPU by scripts/gpu/train_torch_gpu.py; its manifest
    // (models/torch-runs/...) holds float32 CPU probabilities of PublicTest images 0-7.
    const m = await loadFerModel(`models/${kind}`);
    const source = String(m.meta.options.source);
    m.model.dispose();
    const manifest = parseTorchManifest(JSON.parse(await fs.readFile(source, 'utf8')), source);
    expect(manifest.reference.length).toBe(8);
    expect(maxReferenceDiff(manifest, plain)).toBeLessThan(1e-4);
    // And test/fixtures/shipped/make_torch_probs.py's PyTorch run of the shipped weights on 320 images.
    const torch = torchProbs[kind];
    expect(torch.length).toBe(320);
    expect(torch.flat().reduce((d, p, i) => Math.max(d, Math.abs(p - plain[i])), 0)).toBeLessThan(1e-4);
  });

  it('classifies the fixture with TTA view averaging (as fer predict and the app do) as the report says', async () => {
    const m = await loadFerModel(`models/${kind}`);
    const ds = await loadDataset('test/fixtures/shipped/publictest.X.npy');
    const predictions = Array.from(argmaxRows(await predictProbs(m, ds.images, ds.labels, { tta: true }), 7));
    expect(predictions.filter((p, i) => p !== expected[kind].ttaPredictions[i]).length).toBeLessThanOrEqual(1);
    m.model.dispose();
  });
});
