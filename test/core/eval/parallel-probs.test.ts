/** Evaluation on two threads gives one thread's probabilities, reports progress, cancels, and survives a failing helper. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { loadDataset } from '../../../src/core/dataset/load-dataset.ts';
import { predictProbs } from '../../../src/core/eval/evaluate.ts';
import { PARALLEL_CHUNK, predictProbsParallel } from '../../../src/core/eval/parallel-probs.ts';
import { loadFerModel, type FerModel } from '../../../src/core/model-io/load-fer-model.ts';
import { configureOnnxInference } from '../../../src/core/onnx/inference-config.ts';
import { startClassifyHelper, stopClassifyHelper } from '../../../src/core/eval/classify-helper.ts';

// The RNN: the faster shipped model; 2.5 chunks of PublicTest, so both threads take some and the last is short.
const N = Math.round(2.5 * PARALLEL_CHUNK);
let rnn: FerModel;
let pixels: Uint8Array;
let labels: Uint8Array;
let alone: Float32Array;
let tmp: string;

beforeAll(async () => {
  await initBackend();
  // The helper splits the tfjs path's work (it always runs tfjs): this thread runs tfjs too, as where no ONNX Runtime loads.
  configureOnnxInference({ allow: [] });
  rnn = await loadFerModel('models/rnn');
  const ds = await loadDataset('../shared/datasets/fer2013/publictest.X.npy');
  pixels = ds.images.subarray(0, N * 2304);
  labels = ds.labels.subarray(0, N);
  alone = await predictProbs(rnn, pixels, labels, { tta: true });
  await startClassifyHelper([rnn]);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'fer-parallel-'));
});

afterAll(async () => {
  await stopClassifyHelper();
  rnn.model.dispose();
  await fs.rm(tmp, { recursive: true, force: true });
});

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('predictProbsParallel', () => {
  it("gives one thread's probabilities, with progress rising to 1", async () => {
    const seen: number[] = [];
    const work = { here: 0, helper: 0 };
    const shared = await predictProbsParallel(rnn, pixels, labels, {
      tta: true,
      threads: 2,
      work,
      onProgress: (p) => seen.push(p.fraction),
    });
    // Both threads took chunks (whole ones: the short last chunk may fall to either).
    expect(work.here + work.helper).toBe(N);
    expect(work.here).toBeGreaterThanOrEqual(PARALLEL_CHUNK / 2);
    expect(work.helper).toBeGreaterThanOrEqual(PARALLEL_CHUNK / 2);
    expect(shared.length).toBe(alone.length);
    expect(maxDiff(shared, alone)).toBeLessThan(1e-5);
    expect(seen.length).toBe(Math.ceil(N / PARALLEL_CHUNK));
    expect(seen.every((f, i) => i === 0 || f > seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(1);
  });

  it('stays on this thread unless the caller asks for two, even while the helper runs', async () => {
    const work = { here: 0, helper: 0 };
    const one = await predictProbsParallel(rnn, pixels, labels, { tta: true, work });
    expect(work).toEqual({ here: N, helper: 0 });
    expect(maxDiff(one, alone)).toBe(0);
  });

  it('stops with a cancellation when the signal fires', async () => {
    const ac = new AbortController();
    const run = predictProbsParallel(rnn, pixels, labels, {
      threads: 2,
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
  });

  it('does every chunk on this thread when the helper fails (a model folder rewritten after loading)', async () => {
    const dir = path.join(tmp, 'rnn');
    await fs.cp('models/rnn', dir, { recursive: true });
    const copy = await loadFerModel(dir);
    const meta = JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
    await fs.writeFile(path.join(dir, 'meta.json'), JSON.stringify({ ...meta, createdAt: new Date(0).toISOString() }));
    const work = { here: 0, helper: 0 };
    const shared = await predictProbsParallel(copy, pixels, labels, { tta: true, threads: 2, work });
    expect(work).toEqual({ here: N, helper: 0 });
    expect(maxDiff(shared, alone)).toBeLessThan(1e-5);
    copy.model.dispose();
  });
});
