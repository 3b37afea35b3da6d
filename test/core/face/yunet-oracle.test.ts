/**
 * Our YuNet (onnxruntime + yunet-decode.ts) against the oracle: OpenCV's own
 * `cv.FaceDetectorYN` in opencv.js, same images, same thresholds. opencv.js 4.12 cannot
 * read the dynamic-shape export ("!isDynamicShape"), so it gets the fixed 640x640 file
 * (OpenCV reshapes it to the input size); both files hold the same weights.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from '../../../src/core/image/decode-image.ts';
import { createFaceDetector, type DetectedFace, type FaceDetector } from '../../../src/core/face/detector.ts';
import { loadOpenCv, toOpenCvError, type CvMat, type CvSize, type OpenCv } from '../../../src/core/face/opencv.ts';
import { fiveFaces, PHOTOS, REPO } from './image-fixtures.ts';

interface CvFloatMat extends CvMat {
  readonly data32F: Float32Array;
}
interface CvFaceDetectorYN {
  detect(image: CvMat, faces: CvMat): void;
  delete(): void;
}
type OpenCvYN = OpenCv & {
  CV_8UC3: number;
  Mat: { new (): CvFloatMat; new (rows: number, cols: number, type: number): CvMat };
  FaceDetectorYN: new (
    model: string,
    config: string,
    size: CvSize,
    score: number,
    nms: number,
    topK: number,
  ) => CvFaceDetectorYN;
};

const SCORE = 0.2; // far below the app's 0.75, so the cat and the coffee give candidates to compare too
const images: Record<string, DecodedImage> = {};
let cv: OpenCvYN;
let ours: FaceDetector;

beforeAll(async () => {
  for (const p of ['astronaut', 'chelsea', 'coffee']) images[p] = await decodeImage(`${PHOTOS}${p}.png`);
  images['five faces'] = await decodeImage(await fiveFaces());
  // Not a multiple of 32 either way: exercises the padding.
  images['astronaut 333x301'] = await decodeImage(
    await sharp(`${PHOTOS}astronaut.png`).resize(333, 301, { fit: 'fill' }).png().toBuffer(),
  );
  cv = (await loadOpenCv()) as OpenCvYN;
  cv.FS_createDataFile(
    '/',
    'yunet-640.onnx',
    readFileSync(`${REPO}models/yunet/yunet_s_640_640.onnx`),
    true,
    false,
    false,
  );
  ours = await createFaceDetector({ allow: ['onnxruntime-node'], scoreThreshold: SCORE, maxSide: 4096 });
});
afterAll(async () => {
  await ours.dispose();
  cv.FS_unlink('/yunet-640.onnx');
});

function oracle(img: DecodedImage): DetectedFace[] {
  const { width, height, rgb } = img;
  const bgr = new cv.Mat(height, width, cv.CV_8UC3);
  const out = new cv.Mat();
  let det: CvFaceDetectorYN | undefined;
  try {
    for (let i = 0; i < rgb.length; i += 3) {
      bgr.data[i] = rgb[i + 2];
      bgr.data[i + 1] = rgb[i + 1];
      bgr.data[i + 2] = rgb[i];
    }
    det = new cv.FaceDetectorYN('/yunet-640.onnx', '', new cv.Size(width, height), SCORE, 0.3, 5000);
    det.detect(bgr, out);
    const v = out.data32F;
    return Array.from({ length: out.rows }, (_, r) => {
      const row = v.subarray(r * 15, r * 15 + 15);
      return {
        box: [row[0], row[1], row[2], row[3]],
        score: row[14],
        landmarks: [0, 1, 2, 3, 4].map((n) => [row[4 + 2 * n], row[5 + 2 * n]]),
      };
    });
  } catch (e) {
    throw toOpenCvError(cv, e);
  } finally {
    det?.delete();
    bgr.delete();
    out.delete();
  }
}

const byScore = (a: DetectedFace, b: DetectedFace): number => b.score - a.score;

describe('YuNet against opencv.js cv.FaceDetectorYN', () => {
  // How many detections the oracle makes at SCORE on each (so no comparison is vacuous).
  const expected: Record<string, number> = {
    astronaut: 1,
    chelsea: 2,
    coffee: 1,
    'five faces': 5,
    'astronaut 333x301': 1,
  };
  for (const name of Object.keys(expected)) {
    it(`${name}: the same faces, boxes and landmarks within 1 px, scores within 1e-3`, async () => {
      const img = images[name];
      const want = oracle(img).sort(byScore);
      const got = (await ours.detect(img.rgb, img.width, img.height, 3)).sort(byScore);
      expect(want.length).toBe(expected[name]);
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        const w = want[i];
        expect(Math.abs(g.score - w.score)).toBeLessThan(1e-3);
        for (let k = 0; k < 4; k++) expect(Math.abs(g.box[k] - w.box[k])).toBeLessThan(1);
        g.landmarks.forEach(([x, y], n) => {
          expect(Math.abs(x - w.landmarks[n][0])).toBeLessThan(1);
          expect(Math.abs(y - w.landmarks[n][1])).toBeLessThan(1);
        });
      });
    });
  }
});
