import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FerError, throwIfCancelled } from '../errors.ts';
import type { TaskOptions } from '../task.ts';
import { canonicalClassName } from './class-names.ts';
import { parseNpy } from './npy.ts';
import { decodeLabels } from './npy-labels.ts';
import { imageGeometry, toUint8Pixels } from './npy-pixels.ts';
import { readInputFile } from './read-input.ts';
import { FER_CLASSES, type Dataset } from './types.ts';

/** The `X` token of a file name: a lone X (or x) between the start/end and `.`, `_` or `-`. */
const X_TOKEN = /(^|[._-])([Xx])(?=$|[._-])/g;

/**
 * Path of the labels file paired with an images file: the last `X` token of the name becomes
 * `Y` (`X.txt.npy` -> `Y.txt.npy`, `train.X.npy` -> `train.Y.npy`, `x_train.npy` -> `y_train.npy`).
 */
export function labelsPathFor(xPath: string): string {
  const name = basename(xPath);
  const matches = [...name.matchAll(X_TOKEN)];
  const last = matches.at(-1);
  if (!last || last.index === undefined) {
    throw new FerError(
      'cannot find the labels file: the name has no X token to replace by Y (e.g. train.X.npy -> train.Y.npy)',
      { file: xPath },
    );
  }
  const at = last.index + last[1].length;
  const y = last[2] === 'X' ? 'Y' : 'y';
  return join(dirname(xPath), name.slice(0, at) + y + name.slice(at + 1));
}

/** Class names from `labels.json` beside X (a JSON array of names), else FER2013's order. */
export async function readClassNames(dir: string): Promise<string[]> {
  const file = join(dir, 'labels.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [...FER_CLASSES];
    throw new FerError('cannot be read', { file, cause: e });
  }
  let names: unknown;
  try {
    names = JSON.parse(text);
  } catch (e) {
    throw new FerError('is not valid JSON (expected an array of class names)', { file, cause: e });
  }
  if (!Array.isArray(names) || names.length < 2 || !names.every((n) => typeof n === 'string' && n.trim() !== '')) {
    throw new FerError('must be a JSON array of at least 2 class names, e.g. ["angry", "happy"]', { file });
  }
  const classes = names.map((n: string) => canonicalClassName(n));
  const dup = classes.find((c, i) => classes.indexOf(c) !== i);
  if (dup !== undefined) throw new FerError(`names the class "${dup}" twice (after matching synonyms)`, { file });
  if (classes.length > 256) throw new FerError('more than 256 classes are not supported', { file });
  return classes;
}

/** Loads an X/Y .npy pair (see labelsPathFor) into uint8 images; .npy files carry no splits. */
export async function loadNpyDataset(xPath: string, opts: TaskOptions = {}): Promise<Dataset> {
  const { onProgress, signal } = opts;
  throwIfCancelled(signal);
  onProgress?.({ stage: 'load', fraction: 0, message: `reading ${xPath}` });
  const yPath = labelsPathFor(xPath);
  // Read the three files concurrently but report failures in a fixed order (X, Y, labels.json):
  // Promise.all would reject with whichever read failed first, so a user missing both files
  // could be told about Y one time and X the next.
  const [xRead, yRead, namesRead] = await Promise.allSettled([
    readInputFile(xPath, 'images file'),
    readInputFile(yPath, `labels file (expected beside ${basename(xPath)})`),
    readClassNames(dirname(xPath)),
  ]);
  const xBytes = settledValue(xRead);
  const yBytes = settledValue(yRead);
  const classes = settledValue(namesRead);
  throwIfCancelled(signal);
  const x = parseNpy(xBytes, xPath);
  const y = parseNpy(yBytes, yPath);
  const geo = imageGeometry(x.shape, xPath);
  const labels = decodeLabels(y, geo.count, classes, yPath);
  const images = toUint8Pixels(x, geo.height * geo.width * geo.channels, xPath);
  onProgress?.({ stage: 'load', fraction: 1, message: `${geo.count} images` });
  return { format: 'npy', source: xPath, classes, ...geo, images, labels, split: null };
}

function settledValue<T>(r: PromiseSettledResult<T>): T {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}
