/**
 * Haar-cascade face detection (the detector the reference paper names) on a
 * grayscale image, through opencv.js. Every Mat/vector created here is freed
 * in a `finally`: opencv.js memory lives in the WASM heap, outside the GC.
 */
import { FerError } from '../errors.ts';
import { classifierFor, disposeClassifiers } from './haar-classifier.ts';
import { haarHelperReady, haarHelperRunning, helperDetections, stopHaarHelper } from './haar-helper.ts';
import { groupDetections, pyramidWindows, rawDetections } from './haar-levels.ts';
import { cascadePath, type CascadeName } from './models-dir.ts';
import { loadOpenCv, toOpenCvError, type CvMat } from './opencv.ts';

export type { CascadeName } from './models-dir.ts';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DetectOptions {
  /** 'default' is the paper's detector; 'alt2' finds more faces. */
  cascade?: CascadeName;
  /** Pyramid step between scales (> 1). Default 1.1. */
  scaleFactor?: number;
  /** Overlapping hits needed to keep a face; higher = fewer false positives. Default 5. */
  minNeighbors?: number;
  /** Smallest face, as a fraction of the image's shorter side. Default 0.05. */
  minSizeFraction?: number;
  /**
   * Larger images are shrunk to this longer side before detection (boxes are
   * mapped back). Haar time grows with pixel count: a 12 MP photo would take
   * seconds at full size. Default 1024.
   */
  maxSide?: number;
}

/** Frees the cached classifiers and stops the helper thread (tests, or before switching model folders). */
export async function disposeFaceDetectors(): Promise<void> {
  if (haarHelperRunning()) await stopHaarHelper();
  await disposeClassifiers();
}

function checkImage(gray: Uint8Array, width: number, height: number): void {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    gray.length !== width * height
  ) {
    throw new RangeError(`detectFaces: expected ${width}x${height} gray pixels, got ${gray.length}`);
  }
}

/** Detection settings can come from the command line or the UI, so bad values are usage errors, not crashes. */
function checkOptions(o: DetectOptions): void {
  const bad = (what: string, v: unknown): FerError =>
    new FerError(`face detection: ${what}, got ${String(v)}`, { kind: 'usage' });
  if (o.cascade !== undefined && o.cascade !== 'default' && o.cascade !== 'alt2')
    throw bad('cascade must be "default" or "alt2"', o.cascade);
  if (o.scaleFactor !== undefined && !(o.scaleFactor > 1 && o.scaleFactor <= 4))
    throw bad('scaleFactor must be in (1, 4]', o.scaleFactor);
  if (o.minNeighbors !== undefined && !(Number.isInteger(o.minNeighbors) && o.minNeighbors >= 0))
    throw bad('minNeighbors must be a whole number >= 0', o.minNeighbors);
  if (o.minSizeFraction !== undefined && !(o.minSizeFraction >= 0 && o.minSizeFraction < 1))
    throw bad('minSizeFraction must be in [0, 1)', o.minSizeFraction);
  if (o.maxSide !== undefined && !(Number.isInteger(o.maxSide) && o.maxSide >= 24))
    throw bad('maxSide must be a whole number >= 24', o.maxSide);
}

/** Detects frontal faces; boxes are in the input image's pixel coordinates, in OpenCV's order. */
export async function detectFaces(
  gray: Uint8Array,
  width: number,
  height: number,
  opts: DetectOptions = {},
): Promise<Box[]> {
  checkImage(gray, width, height);
  checkOptions(opts);
  const cv = await loadOpenCv();
  const clf = await classifierFor(cv, opts.cascade ?? 'default');
  const maxSide = opts.maxSide ?? 1024;
  const scale = Math.max(1, Math.max(width, height) / maxSide);
  const dw = Math.max(1, Math.round(width / scale));
  const dh = Math.max(1, Math.round(height / scale));
  const minSide = Math.round((opts.minSizeFraction ?? 0.05) * Math.min(dw, dh));

  const mats: { delete(): void }[] = [];
  const track = <T extends { delete(): void }>(m: T): T => {
    mats.push(m);
    return m;
  };
  try {
    const src = track(new cv.Mat(height, width, cv.CV_8UC1));
    src.data.set(gray);
    let work: CvMat = src;
    if (scale > 1) {
      work = track(new cv.Mat(dh, dw, cv.CV_8UC1));
      cv.resize(src, work, new cv.Size(dw, dh), 0, 0, cv.INTER_AREA);
    }
    // Standard Haar preprocessing: spreads the histogram so dim or washed-out photos still fire.
    cv.equalizeHist(work, work);
    const scaleFactor = opts.scaleFactor ?? 1.1;
    const sides = pyramidWindows(dw, dh, minSide, scaleFactor);
    // Alternate levels go to the helper thread when one is running (haar-helper.ts).
    const odd = sides.filter((_, i) => i % 2 === 1);
    // The image is copied for the helper only when one is ready to take it.
    const theirs = haarHelperReady()
      ? helperDetections({
          gray: Uint8Array.from(work.data),
          width: dw,
          height: dh,
          cascadeFile: cascadePath(opts.cascade ?? 'default'),
          sides: odd,
          scaleFactor,
        })
      : null;
    theirs?.catch(() => undefined); // handled below; this only keeps a failure while we work from being "unhandled"
    const mine = rawDetections(cv, clf, work, theirs ? sides.filter((_, i) => i % 2 === 0) : sides, scaleFactor);
    // A helper that failed (or stopped) costs time, never the answer: its levels are redone here.
    const other = theirs ? await theirs.catch(() => rawDetections(cv, clf, work, odd, scaleFactor)) : null;
    const found = groupDetections(cv, other ? interleave(mine, other) : mine, opts.minNeighbors ?? 5);
    const sx = width / dw;
    const sy = height / dh;
    const boxes: Box[] = [];
    for (const r of found) {
      const x = Math.min(width - 1, Math.round(r.x * sx));
      const y = Math.min(height - 1, Math.round(r.y * sy));
      boxes.push({
        x,
        y,
        w: Math.min(width - x, Math.round(r.width * sx)),
        h: Math.min(height - y, Math.round(r.height * sy)),
      });
    }
    return boxes;
  } catch (e) {
    throw toOpenCvError(cv, e);
  } finally {
    for (const m of mats) m.delete();
  }
}

/** Raw hits back in level order (smallest window first), as one detectMultiScale call lists them. */
function interleave(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  const quads = Array.from({ length: out.length / 4 }, (_, i) => i);
  // Each level's hits are one window size; a stable sort by size restores the order within levels.
  quads.sort((i, j) => out[i * 4 + 2] - out[j * 4 + 2]);
  return Int32Array.from(quads.flatMap((q) => [out[q * 4], out[q * 4 + 1], out[q * 4 + 2], out[q * 4 + 3]]));
}
