import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { FerError } from '../errors.ts';
import type { TaskOptions } from '../task.ts';
import { loadCsvDataset } from './load-csv.ts';
import { loadFolderDataset } from './load-folder.ts';
import { loadNpyDataset } from './load-npy.ts';
import { SPLIT, type Dataset, type DatasetFormat, type SplitName } from './types.ts';

/** What `fer info --json` prints about a dataset. */
export interface DatasetInfo {
  format: DatasetFormat;
  count: number;
  classes: string[];
  perClass: Record<string, number>;
  /** [height, width, channels] */
  imageShape: [number, number, number];
  /** Images per split when the source defines splits, else null. */
  splits: Record<SplitName, number> | null;
}

const USAGE =
  'a dataset is an X .npy file (with its Y file beside it), a .csv file (fer2013.csv layout) or an image folder';

/** Format of a dataset path: .npy -> npy, .csv -> csv, folder -> folder. */
export async function detectFormat(path: string): Promise<DatasetFormat> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    throw new FerError('not found', { file: path, kind: 'not-found', cause: e });
  }
  if (isDir) return 'folder';
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return 'npy';
  if (ext === '.csv') return 'csv';
  throw new FerError(`unsupported dataset type "${ext || 'no extension'}": ${USAGE}`, { file: path, kind: 'usage' });
}

export async function loadDataset(path: string, opts: TaskOptions = {}): Promise<Dataset> {
  const format = await detectFormat(path);
  if (format === 'npy') return loadNpyDataset(path, opts);
  if (format === 'csv') return loadCsvDataset(path, opts);
  return loadFolderDataset(path, opts);
}

export function describeDataset(ds: Dataset): DatasetInfo {
  const counts = new Array<number>(ds.classes.length).fill(0);
  for (const label of ds.labels) counts[label]++;
  const perClass: Record<string, number> = {};
  ds.classes.forEach((c, i) => {
    perClass[c] = counts[i];
  });
  let splits: Record<SplitName, number> | null = null;
  if (ds.split) {
    const bySplit = [0, 0, 0];
    for (const s of ds.split) bySplit[s]++;
    splits = { train: bySplit[SPLIT.train], validation: bySplit[SPLIT.validation], test: bySplit[SPLIT.test] };
  }
  return {
    format: ds.format,
    count: ds.count,
    classes: [...ds.classes],
    perClass,
    imageShape: [ds.height, ds.width, ds.channels],
    splits,
  };
}
