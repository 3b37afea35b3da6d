/**
 * Regenerates the bad-input corpus under test/fixtures/bad/ (datasets/ and images/), used by
 * test/reliability/bad-input-corpus.test.ts. The output is committed; rerun only to change it:
 *   npx tsx scripts/make-bad-fixtures.ts
 * Deterministic apart from encoder versions (sharp's JPEG/PNG bytes can change between releases).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { datasetFiles } from './bad-fixtures/datasets.ts';
import { imageFiles, type Files } from './bad-fixtures/images.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(REPO, 'test/fixtures/bad');
const PHOTOS = path.join(REPO, '../shared/photos');
/** Every file must stay small: the corpus is committed. */
const MAX_BYTES = 16 * 1024;

async function writeAll(root: string, files: Files): Promise<number> {
  await rm(root, { recursive: true, force: true });
  for (const [name, data] of Object.entries(files)) {
    if (data.length > MAX_BYTES) throw new Error(`${name} is ${data.length} bytes, above ${MAX_BYTES}`);
    const file = path.join(root, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
  }
  return Object.keys(files).length;
}

const tinyPng = await sharp(Buffer.from(Array.from({ length: 64 }, (_, i) => i * 4)), {
  raw: { width: 8, height: 8, channels: 1 },
})
  .png()
  .toBuffer();
const datasets = await writeAll(path.join(OUT, 'datasets'), datasetFiles(new Uint8Array(tinyPng)));
const images = await writeAll(path.join(OUT, 'images'), await imageFiles(PHOTOS));
console.log(`wrote ${datasets} dataset files and ${images} image files under ${path.relative(REPO, OUT)}`);
