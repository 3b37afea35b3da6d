/**
 * Haar-cascade face detection (the detector the reference paper names) on a
 * grayscale image, through opencv.js. Every Mat/vector created here is freed
 * in a `finally`: opencv.js memory lives in the WASM heap, outside the GC.
 */
import { readFile } from 'node:fs/promises';
import { FerError } from '../errors.ts';
import { cascadePath, type CascadeName } from './models-dir.ts';
import { loadOpenCv, toOpenCvError, type CvCascadeClassifier, type CvMat, type OpenCv } from './opencv.ts';

export type { CascadeName } from './models-dir.ts';

export interface Box { x: number; y: number; w: number; h: number }

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

const classifiers = new Map<string, Promise<CvCascadeClassifier>>();
let fsCounter = 0;

async function createClassifier(cv: OpenCv, path: string): Promise<CvCascadeClassifier> {
  let xml: Buffer;
  try {
    xml = await readFile(path);
  } catch (e) {
    throw new FerError('Haar cascade file not found (set FER_MODELS_DIR to the folder holding it)',
      { kind: 'not-found', file: path, cause: e });
  }
  // opencv.js cannot read host paths: copy the bytes into its in-memory FS,
  // load, then unlink (the classifier keeps its own parsed copy).
  const name = `cascade-${++fsCounter}.xml`;
  cv.FS_createDataFile('/', name, new Uint8Array(xml), true, false, false);
  const clf = new cv.CascadeClassifier();
  let ok = false;
  let cause: Error | undefined;
  try {
    ok = clf.load(`/${name}`) && !clf.empty();
  } catch (e) {
    cause = toOpenCvError(cv, e); // a malformed XML can throw a C++ exception instead of returning false
  } finally {
    cv.FS_unlink(`/${name}`);
  }
  if (!ok) {
    clf.delete();
    throw new FerError('not a valid Haar cascade XML file', { file: path, cause });
  }
  return clf;
}

async function classifierFor(cv: OpenCv, name: CascadeName): Promise<CvCascadeClassifier> {
  const path = cascadePath(name);
  let p = classifiers.get(path);
  if (!p) {
    p = createClassifier(cv, path);
    classifiers.set(path, p);
    p.catch(() => classifiers.delete(path)); // a fixed path/env can succeed later
  }
  return p;
}

/** Frees the cached classifiers (tests, or before switching model folders). */
export async function disposeFaceDetectors(): Promise<void> {
  const all = [...classifiers.values()];
  classifiers.clear();
  for (const p of all) {
    try { (await p).delete(); } catch { /* failed loads have nothing to free */ }
  }
}

function checkImage(gray: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || gray.length !== width * height) {
    throw new RangeError(`detectFaces: expected ${width}x${height} gray pixels, got ${gray.length}`);
  }
}

/** Detection settings can come from the command line or the UI, so bad values are usage errors, not crashes. */
function checkOptions(o: DetectOptions): void {
  const bad = (what: string, v: unknown): FerError => new FerError(`face detection: ${what}, got ${String(v)}`, { kind: 'usage' });
  if (o.cascade !== undefined && o.cascade !== 'default' && o.cascade !== 'alt2') throw bad('cascade must be "default" or "alt2"', o.cascade);
  if (o.scaleFactor !== undefined && !(o.scaleFactor > 1 && o.scaleFactor <= 4)) throw bad('scaleFactor must be in (1, 4]', o.scaleFactor);
  if (o.minNeighbors !== undefined && !(Number.isInteger(o.minNeighbors) && o.minNeighbors >= 0)) throw bad('minNeighbors must be a whole number >= 0', o.minNeighbors);
  if (o.minSizeFraction !== undefined && !(o.minSizeFraction >= 0 && o.minSizeFraction < 1)) throw bad('minSizeFraction must be in [0, 1)', o.minSizeFraction);
  if (o.maxSide !== undefined && !(Number.isInteger(o.maxSide) && o.maxSide >= 24)) throw bad('maxSide must be a whole number >= 24', o.maxSide);
}

/** Detects frontal faces; boxes are in the input image's pixel coordinates, in OpenCV's order. */
export async function detectFaces(gray: Uint8Array, width: number, height: number, opts: DetectOptions = {}): Promise<Box[]> {
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
  const track = <T extends { delete(): void }>(m: T): T => { mats.push(m); return m; };
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
    const found = track(new cv.RectVector());
    clf.detectMultiScale(work, found, opts.scaleFactor ?? 1.1, opts.minNeighbors ?? 5, 0,
      new cv.Size(minSide, minSide), new cv.Size(0, 0));
    const sx = width / dw;
    const sy = height / dh;
    const boxes: Box[] = [];
    for (let i = 0; i < found.size(); i++) {
      const r = found.get(i);
      const x = Math.min(width - 1, Math.round(r.x * sx));
      const y = Math.min(height - 1, Math.round(r.y * sy));
      boxes.push({ x, y, w: Math.min(width - x, Math.round(r.width * sx)), h: Math.min(height - y, Math.round(r.height * sy)) });
    }
    return boxes;
  } catch (e) {
    throw toOpenCvError(cv, e);
  } finally {
    for (const m of mats) m.delete();
  }
}
