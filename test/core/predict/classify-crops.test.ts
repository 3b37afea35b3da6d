/** The second model on the helper thread gives the same probabilities as on this thread, and never costs the answer. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadDataset } from '../../../src/core/dataset/load-dataset.ts';
import type { Dataset } from '../../../src/core/dataset/types.ts';
import { selectImages } from '../../../src/core/eval/evaluate.ts';
import { loadFerModel, type FerModel } from '../../../src/core/model-io/load-fer-model.ts';
import { configureOnnxInference } from '../../../src/core/onnx/inference-config.ts';
import { classifyCrops } from '../../../src/core/predict/classify-crops.ts';
import {
  classifyHelperReady,
  helperProbs,
  startClassifyHelper,
  stopClassifyHelper,
} from '../../../src/core/eval/classify-helper.ts';

let models: FerModel[];
let faces: Dataset;
let tmp: string;

beforeAll(async () => {
  await initBackend();
  // The helper splits the tfjs path's work (it always runs tfjs): this thread runs tfjs too, as where no ONNX Runtime loads.
  configureOnnxInference({ allow: [] });
  models = [await loadFerModel('models/cnn'), await loadFerModel('models/rnn')];
  faces = selectImages(await loadDataset('test/fixtures/shipped/publictest.X.npy'), Uint32Array.of(0, 1, 2));
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'fer-classify-'));
});

afterAll(async () => {
  await stopClassifyHelper();
  for (const m of models) m.model.dispose();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('classifyCrops', () => {
  it('gives the same probabilities with the helper thread as on one thread, TTA on and off', async () => {
    const alone = await classifyCrops(models, faces, { tta: true });
    const plain = await classifyCrops(models, faces);
    expect(alone.map((p) => p.length)).toEqual([21, 21]);
    await startClassifyHelper(models);
    expect(classifyHelperReady()).toBe(true);
    // The RNN (second) is computed by the helper: its own request proves it runs there.
    expect(Array.from(await helperProbs(models[1], faces.images, faces.count, { tta: true })!)).toEqual(
      Array.from(alone[1]),
    );
    const work = { here: 0, helper: 0 };
    expect((await classifyCrops(models, faces, { tta: true, work })).map((p) => Array.from(p))).toEqual(
      alone.map((p) => Array.from(p)),
    );
    expect(work).toEqual({ here: 1, helper: 1 }); // the CNN here, the RNN answered by the helper
    expect((await classifyCrops(models, faces)).map((p) => Array.from(p))).toEqual(plain.map((p) => Array.from(p)));
    expect(Array.from(alone[1])).not.toEqual(Array.from(plain[1])); // TTA reaches the helper
  });

  it('refuses a model folder rewritten since the caller loaded it, and the caller answers instead', async () => {
    const dir = path.join(tmp, 'rnn');
    await fs.cp('models/rnn', dir, { recursive: true });
    const rnn = await loadFerModel(dir);
    const meta = JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8')) as { createdAt: string };
    await fs.writeFile(path.join(dir, 'meta.json'), JSON.stringify({ ...meta, createdAt: new Date(0).toISOString() }));
    await startClassifyHelper([]);
    await expect(helperProbs(rnn, faces.images, faces.count, {})!).rejects.toThrow(
      /rewritten after the caller loaded it/,
    );
    const work = { here: 0, helper: 0 };
    const [, viaFallback] = await classifyCrops([models[0], rnn], faces, { work });
    expect(work).toEqual({ here: 2, helper: 0 });
    expect(Array.from(viaFallback)).toEqual(Array.from((await classifyCrops([models[1]], faces))[0]));
    rnn.model.dispose();
  });

  it('classifies on this thread once the helper has stopped', async () => {
    await stopClassifyHelper();
    expect(classifyHelperReady()).toBe(false);
    expect(helperProbs(models[1], faces.images, faces.count, {})).toBeNull();
    const probs = await classifyCrops(models, faces);
    expect(probs.map((p) => p.length)).toEqual([21, 21]);
  });
});
