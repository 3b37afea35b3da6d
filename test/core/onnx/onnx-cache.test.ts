import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadDataset } from '../../../src/core/dataset/load-dataset.ts';
import { loadFerModel } from '../../../src/core/model-io/load-fer-model.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { onnxCacheFile, onnxCacheKey, onnxModelBytes } from '../../../src/core/onnx/onnx-cache.ts';
import { onnxClassifierFor } from '../../../src/core/onnx/onnx-classifier.ts';
import { decodeModelProto } from '../../../src/core/onnx/onnx-proto.ts';
import { maxAbsDiff, tfjsProbs, trainTiny } from './onnx-test-utils.ts';

let tmp: string;
let faces: Uint8Array;

beforeAll(async () => {
  await initBackend('wasm');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'fer-onnx-cache-'));
  faces = (await loadDataset('test/fixtures/shipped/publictest.X.npy')).images;
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const tinyCnn = (seed: number) => () => buildCnn([48, 48, 1], 7, { stages: [[4], [6]], seed });
const onnxFiles = async (dir: string) => (await fs.readdir(dir)).filter((f) => f.includes('.onnx'));

describe('the ONNX cache beside a model', () => {
  it("writes one export named by the weights' key, reads it back next time, leaves no temp file", async () => {
    const dir = path.join(tmp, 'cnn');
    await fs.mkdir(dir);
    for (const f of ['model.json', 'weights.bin', 'meta.json'])
      await fs.copyFile(path.join('models/cnn', f), path.join(dir, f));
    const a = await loadFerModel(dir);
    const key = onnxCacheKey(a.model);
    const first = await onnxModelBytes(a.model, dir);
    expect(first.from).toBe('written');
    expect(await onnxFiles(dir)).toEqual([path.basename(onnxCacheFile(dir, key))]);
    const meta = decodeModelProto(await fs.readFile(onnxCacheFile(dir, key))).metadataProps as {
      key: string;
      value: string;
    }[];
    expect(meta).toContainEqual({ key: 'fer_studio_cache_key', value: key });
    // The same weights loaded again (another process, tfjs numbering its layers differently) hit the cache.
    const b = await loadFerModel(dir);
    expect(onnxCacheKey(b.model)).toBe(key);
    const second = await onnxModelBytes(b.model, dir);
    expect(second.from).toBe('cache');
    expect(Buffer.compare(Buffer.from(second.bytes), Buffer.from(first.bytes))).toBe(0);
    a.model.dispose();
    b.model.dispose();
  });

  it('re-exports a retrained model (new key) and deletes the export of the old weights', async () => {
    const dir = path.join(tmp, 'retrained');
    const x = Float32Array.from(faces.subarray(0, 8 * 2304), (p) => p / 255);
    (
      await trainTiny({ build: tinyCnn(1), kind: 'cnn', inputShape: [48, 48, 1], faces, outDir: dir, seed: 1 })
    ).model.dispose();
    const before = await loadFerModel(dir);
    const oldFile = onnxCacheFile(dir, onnxCacheKey(before.model));
    expect((await onnxClassifierFor(before.model, dir))?.from).toBe('written');
    // The same architecture and initial weights: only the training (its shuffling seed) differs.
    (
      await trainTiny({ build: tinyCnn(1), kind: 'cnn', inputShape: [48, 48, 1], faces, outDir: dir, seed: 2 })
    ).model.dispose();
    const after = await loadFerModel(dir);
    const newFile = onnxCacheFile(dir, onnxCacheKey(after.model));
    expect(newFile).not.toBe(oldFile);
    const c = await onnxClassifierFor(after.model, dir);
    expect(c?.from).toBe('written');
    expect(await onnxFiles(dir)).toEqual([path.basename(newFile)]);
    expect(maxAbsDiff(await c!.run(x, 8, [48, 48, 1]), tfjsProbs(after.model, x, [8, 48, 48, 1]))).toBeLessThanOrEqual(
      1e-5,
    );
    before.model.dispose();
    after.model.dispose();
  });

  it("remakes the session when weights change in memory (training's per-epoch validation)", async () => {
    const model = tinyCnn(3)();
    const x = Float32Array.from(faces.subarray(0, 4 * 2304), (p) => p / 255);
    const first = await onnxClassifierFor(model, null);
    expect(first?.from).toBe('memory');
    expect(await onnxClassifierFor(model, null)).toBe(first);
    tf.tidy(() =>
      model.layers[0].setWeights([tf.randomNormal(model.layers[0].getWeights()[0].shape, 0, 1, 'float32', 4)]),
    );
    const second = await onnxClassifierFor(model, null);
    expect(second).not.toBe(first);
    expect(maxAbsDiff(await second!.run(x, 4, [48, 48, 1]), tfjsProbs(model, x, [4, 48, 48, 1]))).toBeLessThanOrEqual(
      1e-5,
    );
    model.dispose();
  });

  it('replaces a damaged cache file instead of failing', async () => {
    const dir = path.join(tmp, 'damaged');
    (
      await trainTiny({ build: tinyCnn(5), kind: 'cnn', inputShape: [48, 48, 1], faces, outDir: dir, seed: 5 })
    ).model.dispose();
    const m = await loadFerModel(dir);
    const file = onnxCacheFile(dir, onnxCacheKey(m.model));
    await fs.writeFile(file, 'not a protobuf');
    const c = await onnxClassifierFor(m.model, dir);
    expect(c).not.toBeNull();
    expect((await fs.readFile(file)).length).toBeGreaterThan(1000);
    m.model.dispose();
  });

  it('sweeps temp files of writers that died, and uses memory where the folder cannot be written', async () => {
    const dir = path.join(tmp, 'swept');
    await fs.mkdir(dir);
    const dead = path.join(dir, 'model-0123456789abcdef.onnx.tmp-999999999-1');
    await fs.writeFile(dead, 'half a file');
    const model = tinyCnn(6)();
    expect((await onnxModelBytes(model, dir)).from).toBe('written');
    expect(await onnxFiles(dir)).toEqual([path.basename(onnxCacheFile(dir, onnxCacheKey(model)))]);
    // A "folder" that is a file: nothing can be created in it (root ignores permission bits, so chmod cannot stand in).
    const notDir = path.join(tmp, 'plain-file');
    await fs.writeFile(notDir, '');
    const mem = await onnxModelBytes(model, notDir);
    expect(mem.from).toBe('memory');
    expect(mem.bytes.length).toBeGreaterThan(1000);
    model.dispose();
  });
});
