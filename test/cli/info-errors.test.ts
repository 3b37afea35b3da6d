/** `fer info` on the three sample formats, and the exit codes/messages of bad input and bad usage. */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/core/dataset/npy.ts';
import { npyBytes } from '../core/dataset/npy-bytes.ts';
import { errLines, jsonLines, runFer, SAMPLES } from './run-fer.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fer-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe.concurrent('fer info', () => {
  it.each([
    ['csv', 'fer2013-sample.csv', 910, [48, 48, 1], 130, 3],
    ['npy', 'paper-format/X.txt.npy', 700, [32, 32, 3], 100, 0],
    ['folder', 'folders', 280, [48, 48, 1], 40, 2],
  ] as const)('describes the %s sample', async (format, rel, count, shape, perClass, splitNames) => {
    const run = await runFer(['info', join(SAMPLES, rel), '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [info] = jsonLines(run);
    expect(info).toMatchObject({ format, count, imageShape: shape });
    // Classes are the canonical names whatever the source spells (disgusted -> disgust...).
    expect([...(info.classes as string[])].sort()).toEqual([
      'angry',
      'disgust',
      'fear',
      'happy',
      'neutral',
      'sad',
      'surprise',
    ]);
    expect(Object.values(info.perClass as Record<string, number>)).toEqual(new Array(7).fill(perClass));
    const splits = info.splits as Record<string, number> | null;
    if (splitNames === 0) expect(splits).toBeNull();
    else {
      expect(Object.values(splits!).reduce((a, b) => a + b, 0)).toBe(count);
      expect(Object.values(splits!).filter((n) => n > 0)).toHaveLength(splitNames);
    }
  });

  it('prints a readable summary in terminal mode', async () => {
    const run = await runFer(['info', join(SAMPLES, 'folders')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/format\s+folder/);
    expect(run.stdout).toMatch(/images\s+280 {2}\(48x48, grayscale\)/);
    expect(run.stdout).toMatch(/train 210/);
  });
});

/** Exit 1, exactly one stderr line "fer: <file>: <problem>", and no stack trace. */
function expectBadInput(run: Awaited<ReturnType<typeof runFer>>, file: string, problem: RegExp): void {
  expect(run.code).toBe(1);
  const lines = errLines(run);
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(`fer: ${file}: `)).toBe(true);
  expect(lines[0]).toMatch(problem);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe.concurrent('bad input: exit 1 with one line naming the file', () => {
  it('missing Y file', async () => {
    const dir = join(tmp, 'no-y');
    await mkdir(dir);
    await copyFile(join(SAMPLES, 'paper-format/X.txt.npy'), join(dir, 'X.txt.npy'));
    expectBadInput(await runFer(['info', join(dir, 'X.txt.npy')]), join(dir, 'Y.txt.npy'), /not found/);
  });

  it('X and Y of different lengths', async () => {
    const dir = join(tmp, 'len');
    await mkdir(dir);
    await writeFile(join(dir, 'X.npy'), writeNpy(new Uint8Array(3 * 4), [3, 2, 2], 'u1'));
    await writeFile(join(dir, 'Y.npy'), writeNpy(Uint8Array.of(0, 1), [2], 'u1'));
    expectBadInput(await runFer(['info', join(dir, 'X.npy'), '--json']), join(dir, 'Y.npy'), /2 labels for 3 images/);
  });

  it('unknown dtype', async () => {
    const dir = join(tmp, 'dtype');
    await mkdir(dir);
    await writeFile(join(dir, 'X.npy'), npyBytes('<c8', [2, 2, 2], new Uint8Array(64)));
    await writeFile(join(dir, 'Y.npy'), writeNpy(Uint8Array.of(0, 1), [2], 'u1'));
    expectBadInput(await runFer(['info', join(dir, 'X.npy')]), join(dir, 'X.npy'), /dtype '<c8'/);
  });

  it('corrupt .npy file', async () => {
    const dir = join(tmp, 'corrupt');
    await mkdir(dir);
    await writeFile(join(dir, 'X.npy'), 'hello, not numpy');
    await writeFile(join(dir, 'Y.npy'), writeNpy(Uint8Array.of(0, 1), [2], 'u1'));
    expectBadInput(await runFer(['info', join(dir, 'X.npy')]), join(dir, 'X.npy'), /not a \.npy file/);
  });

  it('missing dataset file', async () => {
    const missing = join(tmp, 'nowhere.csv');
    expectBadInput(await runFer(['info', missing, '--json']), missing, /not found/);
  });

  it('--debug adds the stack trace', async () => {
    const run = await runFer(['info', join(tmp, 'nowhere.csv'), '--debug']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});

describe.concurrent('usage errors: exit 2 with a usage line', () => {
  it.each([
    ['no command', []],
    ['unknown command', ['frobnicate']],
    ['unknown option', ['info', join(SAMPLES, 'folders'), '--bogus']],
    ['missing positional', ['info']],
    ['missing required option', ['train', '--model', 'cnn']],
    ['bad option value', ['train', '--data', join(SAMPLES, 'folders'), '--model', 'transformer']],
    ['non-numeric epochs', ['train', '--data', join(SAMPLES, 'folders'), '--model', 'cnn', '--epochs', 'many']],
    ['--resume without --out', ['train', '--data', join(SAMPLES, 'folders'), '--model', 'cnn', '--resume']],
    ['eval without --data', ['eval', '--model', 'runs/x']],
    ['predict without --model', ['predict', 'a.png']],
  ])('%s', async (_name, args) => {
    const run = await runFer(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^fer: .+\nusage: fer /);
    expect(run.stdout).toBe('');
  });

  it('--help prints the command help and exits 0', async () => {
    const run = await runFer(['train', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: fer train --data/);
    expect(run.stdout).toMatch(/--preset paper/);
  });
});
