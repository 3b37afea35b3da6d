/** Worker-thread entry of the classification helper (classify-helper.ts): runs the models it is sent, by folder. */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend/init-backend.ts';
import { predictProbs } from './evaluate.ts';
import { serveRequests } from '../worker-channel.ts';
import { loadFerModel, type FerModel } from '../model-io/load-fer-model.ts';
import { configureOnnxInference } from '../onnx/inference-config.ts';
import type { ClassifyHelperData, ToClassifyHelper } from './classify-helper.ts';

/** The app holds a CNN and an RNN; retraining replaces one, so a few entries cover every switch. */
const MAX_MODELS = 4;
const models = new Map<string, FerModel>();
const backend = initBackend((workerData as ClassifyHelperData | null)?.backend ?? 'auto');
// This helper splits tfjs work; callers start it only when their classifiers run on tfjs, so it does too.
configureOnnxInference({ allow: [] });

function forget(dir: string): void {
  models.get(dir)?.model.dispose();
  models.delete(dir);
}

async function modelAt(dir: string, createdAt: string): Promise<FerModel> {
  const have = models.get(dir);
  if (have?.meta.createdAt === createdAt) return have;
  forget(dir);
  const m = await loadFerModel(dir);
  if (m.meta.createdAt !== createdAt) {
    m.model.dispose();
    throw new Error(`${dir} was rewritten after the caller loaded it`);
  }
  models.set(dir, m);
  for (const old of models.keys()) if (models.size > MAX_MODELS) forget(old);
  return m;
}

serveRequests<ToClassifyHelper, Float32Array>(
  parentPort!,
  async (job) => {
    await backend;
    const m = await modelAt(job.dir, job.createdAt);
    if (job.count === 0) return new Float32Array(0); // warm-up
    return predictProbs(m, job.pixels, new Uint8Array(job.count), { tta: job.tta, zoom: job.zoom });
  },
  (probs) => [probs.buffer as ArrayBuffer],
);
