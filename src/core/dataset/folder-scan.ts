import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { FerError } from '../errors.ts';
import { allFerClasses, canonicalClassName } from './class-names.ts';
import { fileError } from './read-input.ts';
import { FER_CLASSES, SPLIT, type SplitName } from './types.ts';

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tiff', '.tif'];

/** Folder names that mean a split rather than a class (matched case-insensitively). */
const SPLIT_FOLDERS: Readonly<Record<string, SplitName>> = {
  train: 'train',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  test: 'test',
};

export interface FolderEntry {
  file: string;
  /** Index into FolderScan.classes. */
  label: number;
  split: SplitName | null;
}

export interface FolderScan {
  classes: string[];
  entries: FolderEntry[];
  hasSplits: boolean;
}

const LAYOUT_HELP = 'expected <root>/<class>/<images> or <root>/{train,validation,test}/<class>/<images>';

/**
 * Lists the images of `<root>/<class>/*` or `<root>/{train,val|validation,test}/<class>/*`.
 * Files without an image extension (notes, thumbnails databases) and hidden entries are ignored;
 * sub-folders inside class folders are not searched. Order is deterministic (sorted names).
 */
export async function scanImageFolder(root: string): Promise<FolderScan> {
  const top = await listDir(root);
  const splitDirs = top.dirs.filter((d) => SPLIT_FOLDERS[d.toLowerCase()] !== undefined);
  const hasSplits = splitDirs.length > 0;
  if (hasSplits && splitDirs.length !== top.dirs.length) {
    const others = top.dirs.filter((d) => !splitDirs.includes(d));
    throw new FerError(
      `mixes split folders (${splitDirs.join(', ')}) with other folders (${others.join(', ')}); ${LAYOUT_HELP}`,
      { file: root },
    );
  }
  const groups = hasSplits
    ? splitDirs
        .map((d) => ({ dir: join(root, d), split: SPLIT_FOLDERS[d.toLowerCase()] }))
        .sort((a, b) => SPLIT[a.split] - SPLIT[b.split]) // train first: its first image fixes the size
    : [{ dir: root, split: null }];

  const found: { file: string; className: string; split: SplitName | null }[] = [];
  for (const { dir, split } of groups) {
    const classDirs = dir === root ? top.dirs : (await listDir(dir)).dirs;
    if (classDirs.length === 0) throw new FerError(`no class folders found; ${LAYOUT_HELP}`, { file: dir });
    const seen = new Map<string, string>();
    for (const name of classDirs) {
      const className = canonicalClassName(name);
      const other = seen.get(className);
      if (other !== undefined)
        throw new FerError(`folders "${other}" and "${name}" name the same class`, { file: dir });
      seen.set(className, name);
      const classDir = join(dir, name);
      const images = (await listDir(classDir)).files.filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()));
      if (images.length === 0) {
        throw new FerError(`class folder has no images (${IMAGE_EXTENSIONS.join(', ')})`, { file: classDir });
      }
      for (const f of images) found.push({ file: join(classDir, f), className, split });
    }
  }

  const names = [...new Set(found.map((e) => e.className))];
  const fer: readonly string[] = FER_CLASSES;
  const classes = allFerClasses(names) ? fer.filter((c) => names.includes(c)) : names.sort();
  if (classes.length < 2) {
    throw new FerError(`a dataset needs at least 2 classes, found ${classes.length} (${classes.join(', ')})`, {
      file: root,
    });
  }
  const entries = found.map(({ file, className, split }) => ({ file, label: classes.indexOf(className), split }));
  return { classes, entries, hasSplits };
}

/** Sorted non-hidden sub-folders and files of a folder (symbolic links followed). */
async function listDir(dir: string): Promise<{ dirs: string[]; files: string[] }> {
  let items;
  try {
    items = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new FerError(`not a folder; ${LAYOUT_HELP}`, { file: dir, cause: e });
    throw fileError(e, dir, 'folder');
  }
  const dirs: string[] = [];
  const files: string[] = [];
  for (const item of items) {
    if (item.name.startsWith('.')) continue;
    const isDir = item.isSymbolicLink()
      ? (await stat(join(dir, item.name)).catch(() => null))?.isDirectory()
      : item.isDirectory();
    (isDir ? dirs : files).push(item.name);
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return { dirs: dirs.sort(byName), files: files.sort(byName) };
}
