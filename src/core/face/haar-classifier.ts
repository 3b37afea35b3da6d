/**
 * Loads and caches Haar cascade classifiers (one per file, per thread: each
 * worker thread has its own opencv.js instance).
 */
import { readFile } from 'node:fs/promises';
import { FerError } from '../errors.ts';
import { cascadePath, type CascadeName } from './models-dir.ts';
import { toOpenCvError, type CvCascadeClassifier, type OpenCv } from './opencv.ts';

const classifiers = new Map<string, Promise<CvCascadeClassifier>>();
let fsCounter = 0;

async function createClassifier(cv: OpenCv, path: string): Promise<CvCascadeClassifier> {
  let xml: Buffer;
  try {
    xml = await readFile(path);
  } catch (e) {
    throw new FerError('Haar cascade file not found (set FER_MODELS_DIR to the folder holding it)', {
      kind: 'not-found',
      file: path,
      cause: e,
    });
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

export function classifierFor(cv: OpenCv, name: CascadeName): Promise<CvCascadeClassifier> {
  return classifierAt(cv, cascadePath(name));
}

/** By file path: worker threads get the path their parent resolved (its models folder may be set in code). */
export async function classifierAt(cv: OpenCv, path: string): Promise<CvCascadeClassifier> {
  let p = classifiers.get(path);
  if (!p) {
    p = createClassifier(cv, path);
    classifiers.set(path, p);
    p.catch(() => classifiers.delete(path)); // a fixed path/env can succeed later
  }
  return p;
}

/** Frees this thread's cached classifiers (tests, or before switching model folders). */
export async function disposeClassifiers(): Promise<void> {
  const all = [...classifiers.values()];
  classifiers.clear();
  for (const p of all) {
    try {
      (await p).delete();
    } catch {
      /* failed loads have nothing to free */
    }
  }
}
