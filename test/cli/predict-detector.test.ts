/** `fer predict --detector yunet|haar` with the shipped CNN: which detector ran is said, both find the astronaut. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { errLines, jsonLines, PHOTOS, REPO, runFer } from './run-fer.ts';

const MODEL = join(REPO, 'models/cnn');
const ASTRONAUT = join(PHOTOS, 'astronaut.png');

describe('fer predict --detector', () => {
  it('YuNet by default: its name and runtime in the text, its confidence per face in --json', async () => {
    const text = await runFer(['predict', '--model', MODEL, ASTRONAUT]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^detector: YuNet \(onnxruntime-node\)$/m);
    const run = await runFer(['predict', '--model', MODEL, ASTRONAUT, '--json']);
    const [r] = jsonLines(run);
    expect(r.detector).toBe('YuNet (onnxruntime-node)');
    const [face] = r.faces as { box: number[]; score: number; label: string }[];
    expect(face.score).toBeGreaterThan(0.9);
    expect(face.label).toBe('happy');
  });

  it('--detector haar: the Haar cascade, no confidence', async () => {
    const run = await runFer(['predict', '--model', MODEL, ASTRONAUT, '--detector', 'haar', '--json']);
    expect(run.code).toBe(0);
    const [r] = jsonLines(run);
    expect(r.detector).toBe('Haar cascade (opencv.js)');
    const faces = r.faces as { box: number[]; score?: number }[];
    expect(faces).toHaveLength(1);
    expect(faces[0].score).toBeUndefined();
  });

  it('a 1x1 photo and a 10,000 px wide one: no face, exit 0, with either detector', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'fer-predict-odd-'));
    try {
      const one = join(tmp, 'one.png');
      const wide = join(tmp, 'wide.png');
      await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } })
        .png()
        .toFile(one);
      await sharp({ create: { width: 10_000, height: 3, channels: 3, background: '#888' } })
        .png()
        .toFile(wide);
      for (const detector of ['yunet', 'haar']) {
        const run = await runFer(['predict', '--model', MODEL, one, wide, '--detector', detector, '--json']);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(jsonLines(run).map((r) => [r.width, (r.faces as unknown[]).length])).toEqual([
          [1, 0],
          [10_000, 0],
        ]);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('an unknown detector is a usage error naming the choices', async () => {
    const run = await runFer(['predict', '--model', MODEL, ASTRONAUT, '--detector', 'blazeface']);
    expect(run.code).toBe(2);
    expect(errLines(run).join('\n')).toMatch(/--detector must be one of yunet, haar, got "blazeface"/);
  });
});
