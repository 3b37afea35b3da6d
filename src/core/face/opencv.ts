/**
 * Lazy, quiet loader for `@techstark/opencv-js` (official opencv.js: an
 * Emscripten module with the WASM inlined, ~11 MB of JS).
 *
 * Three quirks of that build are handled here so no other file has to know:
 * - The module object has a `then` that returns itself, so `await`ing it,
 *   resolving a promise with it or returning it from an async function loops
 *   forever. We wait on `onRuntimeInitialized`, then delete that `then`
 *   (nothing else uses it) so the module is an ordinary value afterwards.
 * - On require it installs process-wide `uncaughtException` (rethrow) and
 *   `unhandledRejection` (abort the WASM runtime) handlers. Those would change
 *   how the whole app fails, so we remove exactly the listeners it added.
 * - It binds `console.log`/`console.warn` at load time for its stdout/stderr
 *   (OpenCV's own `[ERROR] ...` log lines go there). We install forwarders
 *   during the require so that output lands in a small buffer instead of the
 *   user's terminal (setOpenCvEcho(true), which the shells turn on for
 *   FER_DEBUG_OPENCV=1, prints it too).
 */
import { createRequire } from 'node:module';

export interface CvMat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Uint8Array;
  delete(): void;
}
export interface CvRect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface CvSize {
  width: number;
  height: number;
}
export interface CvRectVector {
  size(): number;
  get(i: number): CvRect;
  push_back(r: CvRect): void;
  delete(): void;
}
export interface CvIntVector {
  delete(): void;
}
export interface CvCascadeClassifier {
  load(path: string): boolean;
  empty(): boolean;
  detectMultiScale(
    image: CvMat,
    objects: CvRectVector,
    scaleFactor: number,
    minNeighbors: number,
    flags: number,
    minSize: CvSize,
    maxSize: CvSize,
  ): void;
  delete(): void;
}

/** The small part of opencv.js this project uses, typed by us (its bundled typings are loose). */
export interface OpenCv {
  Mat: new (rows: number, cols: number, type: number) => CvMat;
  RectVector: new () => CvRectVector;
  IntVector: new () => CvIntVector;
  Rect: new (x: number, y: number, width: number, height: number) => CvRect;
  groupRectangles(rects: CvRectVector, weights: CvIntVector, groupThreshold: number, eps: number): void;
  CascadeClassifier: new () => CvCascadeClassifier;
  Size: new (width: number, height: number) => CvSize;
  CV_8UC1: number;
  INTER_AREA: number;
  equalizeHist(src: CvMat, dst: CvMat): void;
  resize(src: CvMat, dst: CvMat, size: CvSize, fx: number, fy: number, interpolation: number): void;
  FS_createDataFile(
    parent: string,
    name: string,
    data: Uint8Array,
    canRead: boolean,
    canWrite: boolean,
    canOwn: boolean,
  ): void;
  FS_unlink(path: string): void;
  exceptionFromPtr(ptr: number): { msg: string };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

interface RawModule {
  Mat?: unknown;
  then?: unknown;
  onRuntimeInitialized?: () => void;
  onAbort?: (what: unknown) => void;
}

const recentOutput: string[] = [];
const RECENT_LIMIT = 20;
let echo = false;

/** Also print opencv.js's output on stderr (debugging; RuntimeOptions.debug). */
export function setOpenCvEcho(on: boolean): void {
  echo = on;
}

/** Last lines opencv.js printed (it is silenced); useful in error reports. */
export function openCvOutput(): readonly string[] {
  return recentOutput;
}

function sink(...args: unknown[]): void {
  const line = args.map(String).join(' ');
  recentOutput.push(line);
  if (recentOutput.length > RECENT_LIMIT) recentOutput.shift();
  if (echo) process.stderr.write(`[opencv] ${line}\n`);
}

function requireQuietly(): RawModule {
  const events = ['uncaughtException', 'unhandledRejection'];
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  const { log, warn } = console;
  console.log = sink;
  console.warn = sink;
  try {
    return createRequire(import.meta.url)('@techstark/opencv-js') as RawModule;
  } finally {
    console.log = log;
    console.warn = warn;
    for (const e of events) {
      for (const l of emitter.listeners(e)) {
        if (!before.get(e)?.has(l)) emitter.removeListener(e, l as (...a: unknown[]) => void);
      }
    }
  }
}

let loading: Promise<{ cv: OpenCv }> | undefined;

/** Loads opencv.js once per process; later calls share the same instance. */
export async function loadOpenCv(): Promise<OpenCv> {
  loading ??= new Promise<{ cv: OpenCv }>((resolve, reject) => {
    const mod = requireQuietly();
    const done = (): void => {
      delete mod.then;
      resolve({ cv: mod as unknown as OpenCv });
    };
    mod.onAbort = (what) => reject(new Error(`opencv.js failed to start: ${String(what)}`));
    if (typeof mod.Mat === 'function') done();
    else mod.onRuntimeInitialized = done;
  });
  try {
    return (await loading).cv;
  } catch (e) {
    loading = undefined; // let a later call retry instead of caching the failure
    throw e;
  }
}

/**
 * opencv.js throws C++ exceptions as bare numbers (pointers). Turn them into
 * Errors with OpenCV's message so nothing opaque (or a dump of the 11 MB
 * minified source, which is what Node prints for an uncaught throw there) escapes.
 */
export function toOpenCvError(cv: OpenCv, e: unknown): Error {
  if (typeof e === 'number') {
    let msg = `exception ${e}`;
    try {
      msg = cv.exceptionFromPtr(e).msg;
    } catch {
      /* keep the number */
    }
    return new Error(`OpenCV: ${msg}`);
  }
  return e instanceof Error ? e : new Error(`OpenCV: ${String(e)}`);
}
