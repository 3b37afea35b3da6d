/**
 * Which path to hand to loadDataset for a set of uploaded files: the .csv, the
 * X .npy of an X/Y pair (its Y and labels.json lie beside it), or the folder a
 * directory upload created. Also the name the log shows for it.
 */
import path from 'node:path';
import { FerError } from '../core/errors.ts';
import type { CompletedUpload } from './upload-store.ts';

const X_TOKEN = /(^|[._-])X([._-]|$)/;

export function datasetEntry(upload: CompletedUpload): { path: string; name: string } {
  const names = upload.files.map((f) => f.name);
  const csv = names.filter((n) => n.toLowerCase().endsWith('.csv'));
  const npy = names.filter((n) => n.toLowerCase().endsWith('.npy'));
  if (csv.length + npy.length > 0) {
    // Files picked one by one, or a folder that holds the arrays (e.g. the reference app's model/ folder).
    if (csv.length === 1 && npy.length === 0) return { path: path.join(upload.dir, csv[0]), name: csv[0] };
    const x = npy.length === 1 ? npy : npy.filter((n) => X_TOKEN.test(path.posix.basename(n)));
    if (x.length === 1 && csv.length === 0) {
      const others = names
        .filter((n) => n !== x[0] && path.posix.dirname(n) === path.posix.dirname(x[0]))
        .map((n) => path.posix.basename(n));
      return { path: path.join(upload.dir, x[0]), name: others.length ? `${x[0]} (+ ${others.join(', ')})` : x[0] };
    }
    throw new FerError(
      `cannot tell which file is the dataset among ${names.slice(0, 6).join(', ')}: send one .csv, or an X .npy with its Y .npy (and labels.json)`,
      { kind: 'usage' },
    );
  }
  // An image-folder upload: names are "<folder>/<class>/<file>"; load the common top folder.
  const tops = new Set(names.map((n) => n.split('/')[0]));
  if (tops.size === 1 && names.every((n) => n.includes('/'))) {
    const [top] = tops;
    return { path: path.join(upload.dir, top), name: `folder ${top} (${names.length} files)` };
  }
  return { path: upload.dir, name: `folder upload (${names.length} files)` };
}
