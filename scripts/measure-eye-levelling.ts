/**
 * Does levelling the eyes (YuNet's landmarks) before cropping help the shipped models?
 * Faces are found by YuNet and cropped both ways (findFaces with levelEyes off / on),
 * then classified as predict does (mirror TTA). Reported: mean confidence in the true
 * class and accuracy, on the astronaut photo (true class happy) and on FER2013
 * PublicTest faces (enlarged 4x onto a gray canvas, since YuNet needs some context
 * around a face), each upright and rotated.
 *
 *   npx tsx scripts/measure-eye-levelling.ts [--n 300]
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { loadDataset } from '../src/core/dataset/load-dataset.ts';
import type { Dataset } from '../src/core/dataset/types.ts';
import { decodeImage } from '../src/core/image/decode-image.ts';
import { rgbToGray } from '../src/core/image/gray.ts';
import { createFaceDetector } from '../src/core/face/detector.ts';
import { findFaces } from '../src/core/face/find-faces.ts';
import { loadFerModel } from '../src/core/model-io/load-fer-model.ts';
import { classifyCrops } from '../src/core/predict/classify-crops.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '300' } } });
const N = Number(values.n);

await initBackend();
const models = [await loadFerModel('models/cnn'), await loadFerModel('models/rnn')];
const classes = models[0].meta.classes;
// A lower threshold than the app's, so that the comparison runs on the same faces either way.
const detector = await createFaceDetector({ scoreThreshold: 0.5 });

interface Photo {
  rgb: Uint8Array;
  width: number;
  height: number;
  label: number;
}

async function rotate(p: Photo, deg: number): Promise<Photo> {
  if (!deg) return p;
  const { data, info } = await sharp(p.rgb, { raw: { width: p.width, height: p.height, channels: 3 } })
    .rotate(deg, { background: '#808080' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height, label: p.label };
}

async function crops(photos: Photo[], levelEyes: boolean): Promise<{ images: Uint8Array[]; labels: number[] }> {
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  for (const p of photos) {
    const [face] = await findFaces({ ...p, gray: rgbToGray(p.rgb) }, { detector, levelEyes });
    if (face) {
      images.push(face.crop);
      labels.push(p.label);
    }
  }
  return { images, labels };
}

function score(probs: Float32Array, labels: number[]): string {
  const k = classes.length;
  let conf = 0;
  let right = 0;
  labels.forEach((y, i) => {
    const row = Array.from(probs.subarray(i * k, (i + 1) * k));
    conf += row[y];
    if (row.indexOf(Math.max(...row)) === y) right++;
  });
  return `${(conf / labels.length).toFixed(3)} / ${((100 * right) / labels.length).toFixed(1)} %`;
}

async function row(name: string, photos: Photo[]): Promise<void> {
  const cells: string[] = [];
  let found = 0;
  for (const level of [false, true]) {
    const { images, labels } = await crops(photos, level);
    found = labels.length;
    const flat = new Uint8Array(images.length * 48 * 48);
    images.forEach((c, i) => flat.set(c, i * 48 * 48));
    const ds: Dataset = {
      format: 'folder',
      source: name,
      classes: [],
      count: images.length,
      height: 48,
      width: 48,
      channels: 1,
      images: flat,
      labels: Uint8Array.from(labels),
      split: null,
    };
    const [cnn, rnn] = await classifyCrops(models, ds, { tta: true });
    cells.push(score(cnn, labels), score(rnn, labels));
  }
  console.log(`| ${name} | ${found} of ${photos.length} | ${cells[0]} | ${cells[2]} | ${cells[1]} | ${cells[3]} |`);
}

console.log('| photos | faces found | CNN plain | CNN levelled | RNN plain | RNN levelled |');
console.log('|---|---|---|---|---|---|');
console.log('(each cell: mean confidence in the true class / accuracy)');
const a = await decodeImage('../shared/photos/astronaut.png');
const astronaut: Photo = { rgb: a.rgb, width: a.width, height: a.height, label: classes.indexOf('happy') };
for (const deg of [0, 10, -10, 20, -20, 30, -30])
  await row(`astronaut, rotated ${deg}°`, [await rotate(astronaut, deg)]);

const test = await loadDataset('../shared/datasets/fer2013/publictest.X.npy');
const fer: Photo[] = [];
for (let i = 0; i < Math.min(N, test.count); i++) {
  const face = Buffer.from(test.images.subarray(i * 2304, (i + 1) * 2304));
  const { data } = await sharp(face, { raw: { width: 48, height: 48, channels: 1 } })
    .resize(192, 192)
    .extend({ top: 96, bottom: 96, left: 96, right: 96, background: '#808080' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  // The test's class index, mapped by name onto the models' classes (both FER2013 order here).
  fer.push({
    rgb: new Uint8Array(data),
    width: 384,
    height: 384,
    label: classes.indexOf(test.classes[test.labels[i]]),
  });
}
for (const deg of [0, 15, -15, 30, -30]) {
  const rotated: Photo[] = [];
  for (const p of fer) rotated.push(await rotate(p, deg));
  await row(`FER2013 PublicTest first ${fer.length}, rotated ${deg}°`, rotated);
}
await detector.dispose();
