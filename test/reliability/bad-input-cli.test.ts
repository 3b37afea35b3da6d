/**
 * A representative subset of the bad-input corpus through the real `fer` command (one child
 * process per case, two at a time): exit code 1 and exactly one stderr line "fer: <file>: <problem>",
 * no stack trace. Plus predict on the odd-but-valid photos (five faces, EXIF-rotated face).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errLines, jsonLines, runFer, type FerRun } from '../cli/run-fer.ts';
import { BAD_IMAGE_CASES, BAD_IMAGES, DATASET_CASES, datasetInput, datasetNamed } from './bad-corpus.ts';
import { saveTinyModel } from './tiny-model.ts';

const SUBSET = [
  'npy-truncated-data',
  'npy-wrong-magic',
  'npy-object-dtype',
  'npy-float64-big-endian',
  'npy-fortran-order',
  'npy-nan-pixels',
  'npy-length-mismatch',
  'npy-one-hot-two-ones',
  'npy-missing-y',
  'csv-empty.csv',
  'csv-short-row.csv',
  'csv-unknown-usage.csv',
  'folder-no-images',
  'folder-fake-jpg',
  'folder-one-class',
];
const IMAGE_SUBSET = ['zero-bytes.png', 'text-named.png', 'bomb-20000x20000.png'];

let tmp: string;
let model: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'fer-bad-cli-'));
  model = path.join(tmp, 'model');
  await tf.setBackend('cpu');
  await saveTinyModel(model, 1);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Runs `jobs` with at most `limit` at once (the CI machine has two cores). */
async function limited<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]();
      }
    }),
  );
  return out;
}

function expectOneLine(run: FerRun, file: string, problem: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  const lines = errLines(run);
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(`fer: ${file}: `), lines[0]).toBe(true);
  expect(lines[0]).toMatch(problem);
  expect(run.stderr).not.toMatch(/\n\s+at |FerError|node:internal/);
}

describe('fer with bad input', () => {
  it(`info: ${SUBSET.length} broken datasets, each exit 1 with one line naming the file`, async () => {
    const cases = SUBSET.map((name) => DATASET_CASES.find((c) => c.name === name)!);
    const runs = await limited(
      cases.map((c) => () => runFer(['info', datasetInput(c)])),
      2,
    );
    cases.forEach((c, i) => expectOneLine(runs[i], datasetNamed(c), c.problem));
  });

  it('predict: a broken photo is exit 1 with one line; odd photos are predicted', async () => {
    const bad = IMAGE_SUBSET.map((name) => [name, BAD_IMAGE_CASES.find(([f]) => f === name)![1]] as const);
    const runs = await limited(
      [
        ...bad.map(
          ([name]) =>
            () =>
              runFer(['predict', '--model', model, path.join(BAD_IMAGES, name), '--json']),
        ),
        () =>
          runFer([
            'predict',
            '--model',
            model,
            path.join(BAD_IMAGES, 'five-faces.jpg'),
            path.join(BAD_IMAGES, 'exif-rotated-face.jpg'),
            path.join(BAD_IMAGES, 'one-pixel.png'),
            '--json',
          ]),
      ],
      2,
    );
    bad.forEach(([name, problem], i) => {
      expectOneLine(runs[i], path.join(BAD_IMAGES, name), problem);
      expect(runs[i].stdout).toBe('');
    });
    const good = runs[bad.length];
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    const [five, rotated, tiny] = jsonLines(good);
    expect((five.faces as unknown[]).length).toBe(5);
    expect((rotated.faces as unknown[]).length).toBe(1);
    expect(tiny).toMatchObject({ width: 1, height: 1, faces: [] });
  });
});
