/**
 * One image path: the same photo, loaded as a folder dataset (and evaluated) or given
 * to Predict with the whole-image fallback (`fer predict --whole-image`), reaches the
 * model as the same pixels. Captured where both hand them to the classifier
 * (pixelsForModel's output), through the real entry points, with a shipped model.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const seen: Uint8Array[] = [];
vi.mock('../../../src/core/input/model-input.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/core/input/model-input.ts')>();
  return {
    ...real,
    pixelsForModel: (...args: Parameters<typeof real.pixelsForModel>) => {
      const out = real.pixelsForModel(...args);
      seen.push(out);
      return out;
    },
  };
});

const { loadDataset } = await import('../../../src/core/dataset/load-dataset.ts');
const { evaluateModel } = await import('../../../src/core/eval/evaluate.ts');
const { loadFerModel } = await import('../../../src/core/model-io/load-fer-model.ts');
const { predictImage } = await import('../../../src/core/predict/predict-image.ts');
const { disposeSharedFaceDetectors } = await import('../../../src/core/face/detector.ts');

// 451x300, no face: Predict falls back to the whole image. Larger than a folder's 256 px
// stored size, so the photo is resized twice on its way to 48x48 either way.
const PHOTO = join(process.cwd(), '../shared/photos/chelsea.png');
const dir = await mkdtemp(join(tmpdir(), 'fer-one-path-'));
afterAll(async () => {
  await disposeSharedFaceDetectors();
  await rm(dir, { recursive: true, force: true });
});

describe('one image path', () => {
  it('gives the model identical pixels for a photo from a folder dataset and through predict --whole-image', async () => {
    // A folder dataset needs two classes: the photo in each.
    for (const cls of ['angry', 'happy']) {
      await mkdir(join(dir, cls));
      await copyFile(PHOTO, join(dir, cls, 'photo.png'));
    }
    const model = await loadFerModel('models/cnn');
    const ds = await loadDataset(dir);
    expect([ds.count, ds.width, ds.height]).toEqual([2, 256, 170]);

    seen.length = 0;
    await evaluateModel(model, ds);
    expect(seen).toHaveLength(1);
    const fromFolder = seen[0];
    expect(fromFolder.length).toBe(2 * 48 * 48);

    seen.length = 0;
    const p = await predictImage([model], PHOTO, { wholeImageIfNoFace: true });
    expect(p.wholeImage).toBe(true);
    expect(seen).toHaveLength(1);
    const fromPredict = seen[0];
    expect(fromPredict.length).toBe(48 * 48);

    expect(Buffer.from(fromPredict).equals(Buffer.from(fromFolder.subarray(0, 48 * 48)))).toBe(true);
    expect(Buffer.from(fromPredict).equals(Buffer.from(fromFolder.subarray(48 * 48)))).toBe(true);
  });
});
