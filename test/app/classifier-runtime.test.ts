/** The app says what runs its classifiers (header line, log) and predicts the same on ONNX Runtime as on TensorFlow.js. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inProcessBackend } from '../../src/app/backend.ts';
import type { AppEvent, PredictionResult, SessionSnapshot } from '../../src/contract/contract.ts';
import { DEFAULT_RUNTIME, type RuntimeOptions } from '../../src/core/runtime-options.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-classifier-runtime-'));
const PHOTO = '../shared/photos/astronaut.png';
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A fresh app on `runtime`: its snapshot, log and the astronaut photo's prediction. */
async function session(runtime: RuntimeOptions) {
  const backend = inProcessBackend({
    dataDir: 'data',
    workDir: path.join(tmp, 'work'),
    uploadsDir: path.join(tmp, `uploads-${runtime.inference}`),
    pretrainedDir: 'models',
    runtime,
  });
  const events: AppEvent[] = [];
  backend.onEvent((e) => events.push(e));
  const ok = async <T>(name: string, args: unknown): Promise<T> => {
    const r = await backend.request(name, args);
    if (!r.ok) throw new Error(`${name} refused: ${r.error.message}`);
    return r.value as T;
  };
  try {
    await backend.service.init();
    const snapshot = await ok<SessionSnapshot>('getState', {});
    const { uploadId } = await ok<{ uploadId: string }>('beginUpload', {
      purpose: 'photo',
      files: [{ name: 'astronaut.png', size: readFileSync(PHOTO).length }],
    });
    await backend.uploads.writeFile(uploadId, 0, readFileSync(PHOTO));
    const prediction = await ok<PredictionResult>('predict', { uploadId, wholeImage: false });
    return { snapshot, prediction, log: events.flatMap((e) => (e.type === 'log' ? [e.text] : [])) };
  } finally {
    await backend.close();
  }
}

describe("the app's classifier runtime", () => {
  it('runs on onnxruntime-node and says so; FER_INFERENCE=tfjs runs TensorFlow.js, with the same probabilities', async () => {
    const onnx = await session(DEFAULT_RUNTIME);
    expect(onnx.snapshot.classifiers).toBe('onnxruntime-node');
    expect(onnx.log).toContain('The classifiers run on onnxruntime-node');
    const tfjs = await session({ ...DEFAULT_RUNTIME, inference: 'tfjs' });
    expect(tfjs.snapshot.classifiers).toBeNull();
    expect(tfjs.log).toContain(`The classifiers run on TensorFlow.js (${tfjs.snapshot.backend})`);
    expect(onnx.prediction.faces.length).toBeGreaterThan(0);
    expect(tfjs.prediction.faces.map((f) => f.box)).toEqual(onnx.prediction.faces.map((f) => f.box));
    onnx.prediction.faces.forEach((f, i) => {
      for (const slot of ['cnn', 'rnn'] as const) {
        const a = Object.values(f.models[slot]!.probabilities);
        const b = Object.values(tfjs.prediction.faces[i].models[slot]!.probabilities);
        a.forEach((p, k) => expect(Math.abs(p - b[k])).toBeLessThanOrEqual(1e-5));
      }
    });
  });
});
