/**
 * The whole user path through the real `fer` command, on the CSV sample:
 * preprocess, train (interrupted by Ctrl-C, then resumed), evaluate on
 * held-out images, predict on photos; and the bad-input cases that need a model.
 */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../src/core/dataset/npy.ts';
import { errLines, jsonLines, PHOTOS, runFer, SAMPLES } from './run-fer.ts';

const CSV = join(SAMPLES, 'fer2013-sample.csv');
const FER = join(SAMPLES, '../fer2013');
// 24x24 inputs halve the RNN's sequence and row length: 2 epochs on the 700
// training images take ~20 s of one core instead of ~40 s.
const TRAIN = ['--model', 'rnn', '--epochs', '2', '--batch', '32', '--lr', '0.003', '--seed', '7'];

let tmp: string;
let preDir: string;
let modelDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fer-cli-train-'));
  preDir = join(tmp, 'pre');
  modelDir = join(tmp, 'rnn');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** The fewest correct answers out of `n` that guessing with success rate `p` reaches with probability below `alpha`. */
function chanceBound(n: number, p: number, alpha: number): number {
  const pmf = [(1 - p) ** n];
  for (let k = 1; k <= n; k++) pmf.push(pmf[k - 1] * ((n - k + 1) / k) * (p / (1 - p)));
  let tail = 0;
  for (let k = n; k >= 0; k--) {
    if (tail + pmf[k] >= alpha) return k + 1;
    tail += pmf[k];
  }
  return 0;
}

describe('fer preprocess', () => {
  it('reports images and features before/after and keeps 95 % of the variance with --pca 0.95', async () => {
    const run = await runFer(['preprocess', '--data', CSV, '--size', '24', '--pca', '0.95', '--out', preDir, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [r] = jsonLines(run);
    expect(r).toMatchObject({
      out: preDir,
      images: { before: 910, after: 910 },
      splits: { train: 700, validation: 140, test: 70 },
      imageShape: { before: [48, 48, 1], after: [24, 24, 1] },
      features: { before: 2304 },
    });
    const after = (r.features as { after: number }).after;
    expect(r.pcaComponents).toBe(after);
    expect(after).toBeGreaterThan(1);
    expect(after).toBeLessThan(24 * 24);
    expect(r.explainedVariance as number).toBeGreaterThanOrEqual(0.95);
    expect(r.explainedVariance as number).toBeLessThanOrEqual(1);
    expect(r.seconds as number).toBeGreaterThan(0);
    expect(await exists(join(preDir, 'meta.json'))).toBe(true);
  });
});

describe('fer train, eval, predict', () => {
  it('Ctrl-C stops training after an epoch: exit 130, the last complete epoch is on disk', async () => {
    let sent = false;
    const run = await runFer(['train', '--data', preDir, ...TRAIN, '--out', modelDir, '--json'], {
      onLine: (line, child) => {
        if (!sent && line.includes('"type":"epoch"')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(run.code).toBe(130);
    const lines = jsonLines(run);
    expect(lines.filter((l) => l.type === 'batch').length).toBeGreaterThan(1);
    expect(lines.filter((l) => l.type === 'epoch')).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({ type: 'cancelled', epoch: 1, out: modelDir });
    const checkpoint = lines.at(-1)!.checkpoint as string;
    expect(await exists(join(checkpoint, 'model.json'))).toBe(true);
    expect(await exists(join(modelDir, 'model.json'))).toBe(true);
  });

  it('--resume finishes the run; held-out accuracy is reported', async () => {
    const run = await runFer(['train', '--data', preDir, ...TRAIN, '--out', modelDir, '--resume', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = jsonLines(run);
    // Only epoch 2 runs again; epoch 1 came from the checkpoint.
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([2]);
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ type: 'done', out: modelDir, epochs: 2, kind: 'rnn' });
    expect(typeof done.backend).toBe('string');
    expect(done.heldOut).toMatchObject({ split: 'test' });
  });

  it('eval on the held-out splits reports accuracy, per-class metrics and a confusion matrix over every image', async () => {
    // Neither the validation split (PublicTest rows) nor the test split (PrivateTest rows) was trained on.
    // 2 epochs on these 700 images do not learn FER (34 of 210 right in one run, guessing gets 30):
    // that training learns is the next test's claim, on more images.
    for (const [split, size] of [
      ['validation', 140],
      ['test', 70],
    ] as const) {
      const run = await runFer(['eval', '--model', modelDir, '--data', CSV, '--split', split, '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const [r] = jsonLines(run);
      expect(r).toMatchObject({ n: size, split });
      expect(r.classes).toHaveLength(7);
      expect((r.confusion as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(size);
      expect(Object.keys(r.perClass as object)).toEqual(r.classes);
      const diagonal = (r.confusion as number[][]).reduce((sum, row, i) => sum + row[i], 0);
      expect(r.accuracy).toBe(diagonal / size);
    }
  });

  it('fer train learns: held-out accuracy beyond what guessing reaches 1 time in 100', async () => {
    // 3,000 FER2013 training faces at 24x24 (2,402 train, 299 validation, 299 test, a seeded stratified split).
    const x = parseNpy(new Uint8Array(await readFile(join(FER, 'train.X.npy'))), 'x');
    const y = parseNpy(new Uint8Array(await readFile(join(FER, 'train.Y.npy'))), 'y');
    const data = join(tmp, 'learn');
    await mkdir(data);
    await writeFile(join(data, 'X.npy'), writeNpy((x.data as Uint8Array).slice(0, 3000 * 2304), [3000, 48, 48], 'u1'));
    await writeFile(join(data, 'Y.npy'), writeNpy(Uint8Array.from(y.data as Uint8Array).slice(0, 3000), [3000], 'u1'));
    const pre = await runFer([
      'preprocess',
      '--data',
      join(data, 'X.npy'),
      '--size',
      '24',
      '--out',
      join(data, 'pre'),
      '--json',
    ]);
    expect(pre.code, pre.stderr).toBe(0);
    const run = await runFer([
      'train',
      '--data',
      join(data, 'pre'),
      '--model',
      'rnn',
      '--epochs',
      '2',
      '--batch',
      '32',
      '--lr',
      '0.003',
      '--seed',
      '7',
      '--out',
      join(data, 'rnn'),
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { heldOut } = jsonLines(run).at(-1) as { heldOut: { split: string; n: number; accuracy: number } };
    expect(heldOut).toMatchObject({ split: 'test', n: 299 });
    // Guessing 1 in 7 gets this many of the 299 right (58) less than 1 % of the time; measured: 76.
    const correct = Math.round(heldOut.accuracy * heldOut.n);
    expect(correct, `${correct} of ${heldOut.n} right`).toBeGreaterThanOrEqual(chanceBound(heldOut.n, 1 / 7, 0.01));
  });

  it('eval --tta says when view averaging does not apply (this model reads PCA coefficients)', async () => {
    const run = await runFer(['eval', '--model', modelDir, '--data', CSV, '--split', 'validation', '--tta']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/accuracy [\d.]+ % on 140 images/);
    expect(run.stdout).not.toContain('TTA');
    const [r] = jsonLines(
      await runFer(['eval', '--model', modelDir, '--data', CSV, '--split', 'validation', '--tta', '--json']),
    );
    expect(r).toMatchObject({ n: 140, tta: false });
  });

  it('predict finds one face in the astronaut photo and none in the cat photo', async () => {
    const astronaut = join(PHOTOS, 'astronaut.png');
    const chelsea = join(PHOTOS, 'chelsea.png');
    const run = await runFer(['predict', '--model', modelDir, astronaut, chelsea, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [a, c] = jsonLines(run);
    expect(a.file).toBe(astronaut);
    const faces = a.faces as { box: number[]; label: string; probabilities: Record<string, number> }[];
    expect(faces).toHaveLength(1);
    expect(faces[0].box).toHaveLength(4);
    const probs = Object.values(faces[0].probabilities);
    expect(probs).toHaveLength(7);
    expect(probs.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);
    expect(Object.keys(faces[0].probabilities)).toContain(faces[0].label);
    expect(c).toMatchObject({ file: chelsea, faces: [] });

    const text = await runFer(['predict', '--model', modelDir, chelsea]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/chelsea\.png: no face found/);
  });

  it('bad images: exit 1, one line per file naming it, the other files still predicted', async () => {
    const fake = join(tmp, 'not-an-image.png');
    await writeFile(fake, 'this is text, not a PNG\n');
    const missing = join(tmp, 'missing.jpg');
    const run = await runFer(['predict', '--model', modelDir, fake, missing, join(PHOTOS, 'chelsea.png'), '--json']);
    expect(run.code).toBe(1);
    const lines = errLines(run);
    expect(lines).toHaveLength(2);
    expect(lines[0].startsWith(`fer: ${fake}: `)).toBe(true);
    expect(lines[1]).toMatch(new RegExp(`^fer: ${missing}: .*not found`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(jsonLines(run)).toHaveLength(1);
  });

  it('a missing model folder is bad input naming the file', async () => {
    const run = await runFer(['eval', '--model', join(tmp, 'no-model'), '--data', CSV]);
    expect(run.code).toBe(1);
    expect(errLines(run)).toHaveLength(1);
    expect(errLines(run)[0]).toMatch(/^fer: .*no-model.*not found/);
  });
});
