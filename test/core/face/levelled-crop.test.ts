/** Eye levelling: a tilted face's levelled crop looks like the upright face's crop; an upright face's barely changes. */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropFace } from '../../../src/core/face/crop.ts';
import { decodeImage, type DecodedImage } from '../../../src/core/image/decode-image.ts';
import { createFaceDetector, type FaceDetector } from '../../../src/core/face/detector.ts';
import { findFaces } from '../../../src/core/face/find-faces.ts';
import { levelledCrop } from '../../../src/core/face/levelled-crop.ts';
import { PHOTOS } from './image-fixtures.ts';

let upright: DecodedImage;
let tilted: DecodedImage;
let detector: FaceDetector;
beforeAll(async () => {
  upright = await decodeImage(`${PHOTOS}astronaut.png`);
  tilted = await decodeImage(
    await sharp(`${PHOTOS}astronaut.png`).rotate(25, { background: '#808080' }).png().toBuffer(),
  );
  detector = await createFaceDetector({ allow: ['onnxruntime-node'] });
});
afterAll(() => detector.dispose());

/** Pearson correlation of two crops. */
function correlation(a: Uint8Array, b: Uint8Array): number {
  const mean = (v: Uint8Array): number => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('levelledCrop', () => {
  it('an upright face: about the crop cropFace makes (mean difference under 3 levels)', async () => {
    const [f] = await detector.detect(upright.rgb, upright.width, upright.height, 3);
    const level = {
      box: f.box,
      landmarks: [
        [0, 0],
        [1, 0],
      ] as [number, number][],
    };
    const [x, y, w, h] = f.box;
    const plain = cropFace(upright.gray, upright.width, upright.height, { x, y, w, h });
    const ours = levelledCrop(upright.gray, upright.width, upright.height, level);
    const diff = plain.reduce((s, v, i) => s + Math.abs(v - ours[i]), 0) / plain.length;
    expect(diff).toBeLessThan(3);
  });

  it('a face tilted 25 degrees, given its true eye positions: levelled, it matches the upright crop', async () => {
    const [f] = await detector.detect(upright.rgb, upright.width, upright.height, 3);
    // sharp turns the photo clockwise about its centre onto a larger canvas: map the face there.
    const t = (25 * Math.PI) / 180;
    const map = ([x, y]: readonly number[]): [number, number] => {
      const dx = x - upright.width / 2;
      const dy = y - upright.height / 2;
      return [
        tilted.width / 2 + dx * Math.cos(t) - dy * Math.sin(t),
        tilted.height / 2 + dx * Math.sin(t) + dy * Math.cos(t),
      ];
    };
    const [x, y, w, h] = f.box;
    const [cx, cy] = map([x + w / 2, y + h / 2]);
    const moved = { box: [cx - w / 2, cy - h / 2, w, h], landmarks: f.landmarks.map(map) };
    const ref = levelledCrop(upright.gray, upright.width, upright.height, {
      box: f.box,
      landmarks: [
        [0, 0],
        [1, 0],
      ],
    });
    const levelled = levelledCrop(tilted.gray, tilted.width, tilted.height, moved);
    const plain = levelledCrop(tilted.gray, tilted.width, tilted.height, {
      box: moved.box,
      landmarks: [
        [0, 0],
        [1, 0],
      ],
    });
    expect(correlation(ref, levelled)).toBeGreaterThan(0.95);
    expect(correlation(ref, plain)).toBeLessThan(0.8);
  });

  it('findFaces levels YuNet faces: the crop differs from the plain one by the eye line', async () => {
    const [plain] = await findFaces(upright, { detector, levelEyes: false });
    const [level] = await findFaces(upright, { detector });
    expect(level.box).toEqual(plain.box);
    expect(level.crop).not.toEqual(plain.crop);
    expect(correlation(level.crop, plain.crop)).toBeGreaterThan(0.95); // her eyes are almost level already
  });

  it('Haar faces (no landmarks) keep the plain crop', async () => {
    const haar = await createFaceDetector({ kind: 'haar' });
    const [f] = await findFaces(upright, { detector: haar });
    expect(f.crop).toEqual(
      cropFace(upright.gray, upright.width, upright.height, { x: f.box[0], y: f.box[1], w: f.box[2], h: f.box[3] }),
    );
  });

  it('refuses a face without eye landmarks and a wrong buffer', () => {
    expect(() => levelledCrop(upright.gray, 512, 512, { box: [0, 0, 10, 10], landmarks: [] })).toThrow(
      /no eye landmarks/,
    );
    expect(() =>
      levelledCrop(new Uint8Array(3), 2, 2, {
        box: [0, 0, 1, 1],
        landmarks: [
          [0, 0],
          [1, 0],
        ],
      }),
    ).toThrow(/expected 2x2/);
  });

  it('a face box past the image edge samples the edge, not garbage', () => {
    const crop = levelledCrop(
      new Uint8Array(16 * 16).fill(77),
      16,
      16,
      {
        box: [-20, -20, 60, 60],
        landmarks: [
          [0, 0],
          [1, 1],
        ],
      },
      0.2,
      8,
    );
    expect([...new Set(crop)]).toEqual([77]);
  });
});
