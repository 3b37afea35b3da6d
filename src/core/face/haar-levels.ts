/**
 * Haar detection one pyramid level at a time, so the levels can be shared
 * between threads. detectMultiScale with minSize = maxSize = one level's
 * window scans exactly that level; with minNeighbors 0 it returns the raw hits
 * ungrouped. Grouping the union of all levels' hits with OpenCV's own
 * groupRectangles (eps 0.2, as detectMultiScale) gives the boxes one
 * detectMultiScale call gives (tested), and level by level is no slower.
 */
import { toOpenCvError, type CvCascadeClassifier, type CvMat, type OpenCv } from './opencv.ts';

/** Both shipped cascades (default, alt2) are trained on 24 x 24 windows. */
export const CASCADE_WINDOW = 24;
/** detectMultiScale's grouping tolerance (GROUP_EPS in OpenCV). */
const GROUP_EPS = 0.2;

/** C's lrint (OpenCV's cvRound): halves go to the even neighbour. */
function cvRound(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The window sides detectMultiScale scans for this image, smallest first (its own loop over factors). */
export function pyramidWindows(
  width: number,
  height: number,
  minSide: number,
  scaleFactor: number,
  maxSide = 0,
): number[] {
  const max = maxSide > 0 ? maxSide : Math.min(width, height);
  const out: number[] = [];
  for (let factor = 1; ; factor *= scaleFactor) {
    const side = cvRound(CASCADE_WINDOW * factor);
    if (side > max || side > width || side > height) break;
    if (side >= minSide) out.push(side);
  }
  return out;
}

/** Raw hits of the given levels, level by level, as flat [x, y, w, h, ...]. */
export function rawDetections(
  cv: OpenCv,
  clf: CvCascadeClassifier,
  image: CvMat,
  sides: number[],
  scaleFactor: number,
): Int32Array {
  const hits: number[] = [];
  for (const side of sides) {
    const found = new cv.RectVector();
    try {
      clf.detectMultiScale(image, found, scaleFactor, 0, 0, new cv.Size(side, side), new cv.Size(side, side));
      for (let i = 0; i < found.size(); i++) {
        const r = found.get(i);
        hits.push(r.x, r.y, r.width, r.height);
      }
    } catch (e) {
      throw toOpenCvError(cv, e);
    } finally {
      found.delete();
    }
  }
  return Int32Array.from(hits);
}

/** OpenCV's grouping of raw hits: clusters with more than `minNeighbors` members, averaged. */
export function groupDetections(
  cv: OpenCv,
  raw: Int32Array,
  minNeighbors: number,
): { x: number; y: number; width: number; height: number }[] {
  const rects = new cv.RectVector();
  const weights = new cv.IntVector();
  try {
    for (let i = 0; i < raw.length; i += 4) rects.push_back(new cv.Rect(raw[i], raw[i + 1], raw[i + 2], raw[i + 3]));
    cv.groupRectangles(rects, weights, minNeighbors, GROUP_EPS);
    const out = [];
    for (let i = 0; i < rects.size(); i++) {
      const r = rects.get(i);
      out.push({ x: r.x, y: r.y, width: r.width, height: r.height });
    }
    return out;
  } catch (e) {
    throw toOpenCvError(cv, e);
  } finally {
    rects.delete();
    weights.delete();
  }
}
