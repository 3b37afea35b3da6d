import { promises as fs } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../../src/core/dataset/npy.ts';
import { GRAM_CHUNK_ROWS, intGram, type IntGram } from '../../../src/core/preprocess/int-gram.ts';
import { intGramThreads, MIN_ROWS_FOR_WORKER } from '../../../src/core/preprocess/int-gram-threads.ts';

// Real FER2013 faces, enough rows for the worker to start; every 12th pixel keeps it quick.
const d = 2304;
const features = Int32Array.from({ length: 192 }, (_, j) => j * 12);
let data: Uint8Array;
let n: number;

describe('covariance pass on two threads', () => {
  beforeAll(async () => {
    const x = parseNpy(new Uint8Array(await fs.readFile('../shared/datasets/fer2013/publictest.X.npy')), 'x');
    // PublicTest has 3,589 faces; three copies, the last one mirrored, pass the worker threshold.
    n = 3 * x.shape[0];
    expect(n).toBeGreaterThan(MIN_ROWS_FOR_WORKER);
    const faces = x.data as Uint8Array;
    data = new Uint8Array(n * d);
    data.set(faces, 0);
    data.set(faces, faces.length);
    for (let i = 0; i < x.shape[0]; i++)
      data.set(faces.subarray(i * d, (i + 1) * d).reverse(), 2 * faces.length + i * d);
  });

  it('gives exactly the single-thread sums and Gram matrix, whichever thread took which rows', async () => {
    const one = await intGram(data, n, d, features);
    const two = await intGramThreads(data, n, d, features, 2);
    expect(two.sums).toEqual(one.sums);
    expect(two.gram).toEqual(one.gram);
  });

  it("redoes the worker's rows itself when the worker cannot start", async () => {
    const one = await intGram(data, n, d, features);
    const work = { here: 0, helper: 0 };
    const two = await intGramThreads(data, n, d, features, 2, { work }, 'no-such-worker');
    expect(work).toEqual({ here: Math.ceil(n / GRAM_CHUNK_ROWS), helper: 0 });
    expect(two.gram).toEqual(one.gram);
  });

  // All 2,304 pixels: a chunk takes this thread long enough for the worker to start and claim some
  // (with 192 this thread sums every chunk before the worker has started).
  const all = Int32Array.from({ length: d }, (_, j) => j);
  let allOne: IntGram | undefined;
  const oneAll = async (): Promise<IntGram> => (allOne ??= await intGram(data, n, d, all));

  it('has both threads sum chunks when each chunk takes a while', async () => {
    const one = await oneAll();
    const work = { here: 0, helper: 0 };
    const two = await intGramThreads(data, n, d, all, 2, { work });
    expect(work.here + work.helper).toBe(Math.ceil(n / GRAM_CHUNK_ROWS));
    expect(work.here).toBeGreaterThan(0);
    expect(work.helper).toBeGreaterThan(0);
    expect(two.sums).toEqual(one.sums);
    expect(two.gram.filter((v, i) => v !== one.gram[i]).length).toBe(0);
  });

  it('redoes the chunks a worker claimed before it died', async () => {
    const one = await oneAll();
    const work = { here: 0, helper: 0 };
    const two = await intGramThreads(data, n, d, all, 2, { work }, '../../../test/core/preprocess/dying-gram-worker');
    expect(work).toEqual({ here: Math.ceil(n / GRAM_CHUNK_ROWS), helper: 0 });
    expect(two.sums).toEqual(one.sums);
    // 5.3 M entries: count differences directly (a deep equality of that size takes ~25 s).
    expect(two.gram.filter((v, i) => v !== one.gram[i]).length).toBe(0);
  });

  it('stops when cancelled (the worker is terminated on the way out)', async () => {
    const controller = new AbortController();
    const run = intGramThreads(data, n, d, features, 2, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toThrow(/cancel/i);
  });
});
