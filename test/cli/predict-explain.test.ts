/** `fer predict --explain <dir>`: one PNG per face and model, the face beside its heat map and the colour scale. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { jsonLines, PHOTOS, REPO, runFer } from './run-fer.ts';

it('writes one panel per face and model and says where', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fer-explain-'));
  try {
    const models = ['--model', join(REPO, 'models/cnn'), '--model', join(REPO, 'models/rnn')];
    const run = await runFer(['predict', ...models, join(PHOTOS, 'astronaut.png'), '--explain', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`heat maps: 2 PNGs in ${dir} (astronaut-face1-cnn.png, astronaut-face1-rnn.png)`);
    expect((await readdir(dir)).sort()).toEqual(['astronaut-face1-cnn.png', 'astronaut-face1-rnn.png']);
    const { data, info } = await sharp(join(dir, 'astronaut-face1-cnn.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThan(2 * info.height);
    // The face (left panel, from x = 8) and its overlay (from x = 208), 192 px each, 26 px down: the map changed the pixels.
    let diff = 0;
    for (let y = 26; y < 218; y++)
      for (let x = 0; x < 192; x++)
        for (let c = 0; c < 3; c++) {
          diff += Math.abs(
            data[(y * info.width + 8 + x) * info.channels + c] - data[(y * info.width + 208 + x) * info.channels + c],
          );
        }
    expect(diff / (192 * 192 * 3)).toBeGreaterThan(10);
    const json = await runFer(['predict', ...models, join(PHOTOS, 'astronaut.png'), '--explain', dir, '--json']);
    expect(jsonLines(json)[0].heatMaps).toEqual([
      join(dir, 'astronaut-face1-cnn.png'),
      join(dir, 'astronaut-face1-rnn.png'),
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
