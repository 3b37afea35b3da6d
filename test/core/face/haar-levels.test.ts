import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from '../../../src/core/image/decode-image.ts';
import { detectFaces, disposeFaceDetectors } from '../../../src/core/face/haar.ts';
import { classifierFor } from '../../../src/core/face/haar-classifier.ts';
import { haarHelperRunning, startHaarHelper, stopHaarHelper } from '../../../src/core/face/haar-helper.ts';
import { groupDetections, pyramidWindows, rawDetections } from '../../../src/core/face/haar-levels.ts';
import { cascadePath } from '../../../src/core/face/models-dir.ts';
import { loadOpenCv, type OpenCv } from '../../../src/core/face/opencv.ts';
import { PHOTOS } from './image-fixtures.ts';

const photos: Record<string, DecodedImage> = {};
let cv: OpenCv;
beforeAll(async () => {
  for (const name of ['astronaut', 'chelsea', 'coffee']) photos[name] = await decodeImage(`${PHOTOS}${name}.png`);
  cv = await loadOpenCv();
});
afterAll(disposeFaceDetectors);

type Rect = { x: number; y: number; width: number; height: number };
const sorted = (rs: Rect[]): Rect[] => [...rs].sort((a, b) => a.width - b.width || a.y - b.y || a.x - b.x);

/** One detectMultiScale call, the way OpenCV is normally used (the reference). */
async function oneCall(img: DecodedImage, minSide: number, minNeighbors: number): Promise<Rect[]> {
  const clf = await classifierFor(cv, 'default');
  const m = new cv.Mat(img.height, img.width, cv.CV_8UC1);
  const v = new cv.RectVector();
  try {
    m.data.set(img.gray);
    cv.equalizeHist(m, m);
    clf.detectMultiScale(m, v, 1.1, minNeighbors, 0, new cv.Size(minSide, minSide), new cv.Size(0, 0));
    return Array.from({ length: v.size() }, (_, i) => {
      const r = v.get(i);
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
  } finally {
    m.delete();
    v.delete();
  }
}

async function byLevels(img: DecodedImage, minSide: number, minNeighbors: number): Promise<Rect[]> {
  const clf = await classifierFor(cv, 'default');
  const m = new cv.Mat(img.height, img.width, cv.CV_8UC1);
  try {
    m.data.set(img.gray);
    cv.equalizeHist(m, m);
    const raw = rawDetections(cv, clf, m, pyramidWindows(img.width, img.height, minSide, 1.1), 1.1);
    return groupDetections(cv, raw, minNeighbors);
  } finally {
    m.delete();
  }
}

describe('Haar detection level by level', () => {
  it('lists the window sides OpenCV scans (24 x 1.1^k, rounded, from the minimum up to the shorter side)', () => {
    expect(pyramidWindows(512, 512, 26, 1.1).slice(0, 8)).toEqual([26, 29, 32, 35, 39, 43, 47, 51]);
    expect(pyramidWindows(512, 512, 26, 1.1).at(-1)).toBe(507);
    expect(pyramidWindows(100, 40, 0, 1.2)).toEqual([24, 29, 35]);
    expect(pyramidWindows(20, 20, 0, 1.1)).toEqual([]);
  });

  it.each([
    ['astronaut', 26, 5],
    ['astronaut', 0, 3],
    ['chelsea', 15, 5],
    ['coffee', 20, 1],
    ['astronaut', 26, 0],
  ] as const)(
    'groups into exactly the boxes of one detectMultiScale call: %s, min side %i, minNeighbors %i',
    async (name, minSide, minNeighbors) => {
      const img = photos[name];
      const want = await oneCall(img, minSide, minNeighbors);
      expect(sorted(await byLevels(img, minSide, minNeighbors))).toEqual(sorted(want));
      if (name === 'astronaut' && minNeighbors > 0) expect(want.length).toBeGreaterThan(0); // the comparison is not vacuous
    },
  );

  it('with the helper thread, detectFaces gives the same boxes as on one thread, and stops cleanly', async () => {
    const alone = await Promise.all(
      Object.values(photos).map((p) => detectFaces(p.gray, p.width, p.height, { minNeighbors: 3 })),
    );
    await startHaarHelper(cascadePath('default'));
    expect(haarHelperRunning()).toBe(true);
    const shared = await Promise.all(
      Object.values(photos).map((p) => detectFaces(p.gray, p.width, p.height, { minNeighbors: 3 })),
    );
    expect(shared).toEqual(alone);
    expect(alone[0].length).toBeGreaterThan(0);
    await stopHaarHelper();
    expect(haarHelperRunning()).toBe(false);
    const after = await detectFaces(photos.astronaut.gray, 512, 512, { minNeighbors: 3 });
    expect(after).toEqual(alone[0]);
  });
});
