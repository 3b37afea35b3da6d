/**
 * A preprocessed dataset on disk (`fer preprocess --out DIR`):
 *   {train,validation,test}.{X,Y}.npy  uint8 images [n,size,size(,3)] and labels [n]
 *   labels.json                        class names (so each X file also loads as a dataset)
 *   meta.json                          preset, size, channels, classes, report
 *   pca.bin                            the fitted PCA (model-io/pca-file.ts format), if any
 * Written atomically (temp directory, then rename): a crash never leaves half a directory.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseNpy, writeNpy } from '../dataset/npy.ts';
import { FerError } from '../errors.ts';
import { writeDirAtomic } from '../atomic-dir.ts';
import { decodePca, encodePca } from './pca-file.ts';
import type { PreprocessReport, PreprocessResult, Preset, SplitPart } from './preprocess-result.ts';

const PARTS = ['train', 'validation', 'test'] as const;
const FORMAT = 'fer-studio-preprocessed';

interface Meta {
  format: typeof FORMAT;
  version: 1;
  preset: Preset;
  size: number;
  channels: 1 | 3;
  classes: string[];
  usePcaInput: boolean;
  counts: Record<(typeof PARTS)[number], number>;
  report: PreprocessReport;
}

export async function savePreprocessed(result: PreprocessResult, dir: string): Promise<void> {
  const { size, channels } = result;
  const shape = (n: number): number[] => (channels === 1 ? [n, size, size] : [n, size, size, 3]);
  const files: Record<string, Uint8Array | string> = {};
  for (const p of PARTS) {
    files[`${p}.X.npy`] = writeNpy(result[p].images, shape(result[p].count), 'u1');
    files[`${p}.Y.npy`] = writeNpy(result[p].labels, [result[p].count], 'u1');
  }
  const meta: Meta = {
    format: FORMAT,
    version: 1,
    preset: result.preset,
    size,
    channels,
    classes: result.classes,
    usePcaInput: result.usePcaInput,
    counts: { train: result.train.count, validation: result.validation.count, test: result.test.count },
    report: result.report,
  };
  files['meta.json'] = `${JSON.stringify(meta, null, 2)}\n`;
  files['labels.json'] = `${JSON.stringify(result.classes)}\n`;
  if (result.pca) files['pca.bin'] = encodePca(result.pca);
  await writeDirAtomic(dir, files);
}

export async function loadPreprocessed(dir: string): Promise<PreprocessResult> {
  const metaFile = path.join(dir, 'meta.json');
  const meta = parseMeta(await readOrFail(metaFile), metaFile);
  const parts = {} as Record<(typeof PARTS)[number], SplitPart>;
  for (const p of PARTS) parts[p] = await readPart(dir, p, meta);
  const pcaFile = path.join(dir, 'pca.bin');
  const pca = meta.report.explainedVariance !== null ? decodePca(await readOrFail(pcaFile), pcaFile) : null;
  if (pca && pca.d !== meta.size * meta.size * meta.channels)
    throw new FerError(`PCA expects ${pca.d} features, images have ${meta.size * meta.size * meta.channels}`, {
      file: pcaFile,
    });
  return {
    preset: meta.preset,
    size: meta.size,
    channels: meta.channels,
    classes: meta.classes,
    ...parts,
    pca,
    usePcaInput: meta.usePcaInput && pca !== null,
    report: meta.report,
  };
}

async function readPart(dir: string, p: string, meta: Meta): Promise<SplitPart> {
  const xFile = path.join(dir, `${p}.X.npy`);
  const yFile = path.join(dir, `${p}.Y.npy`);
  const x = parseNpy(await readOrFail(xFile), xFile);
  const y = parseNpy(await readOrFail(yFile), yFile);
  const n = y.shape[0] ?? -1;
  const features = meta.size * meta.size * meta.channels;
  if (x.dtype !== 'u1' || y.dtype !== 'u1')
    throw new FerError('expected uint8 arrays', { file: x.dtype !== 'u1' ? xFile : yFile });
  if (y.shape.length !== 1 || x.shape[0] !== n || x.data.length !== n * features) {
    throw new FerError(
      `shape (${x.shape.join(', ')}) does not match ${n} labels of ${meta.size}x${meta.size}x${meta.channels} images`,
      { file: xFile },
    );
  }
  const labels = y.data as Uint8Array;
  if (labels.some((l) => l >= meta.classes.length))
    throw new FerError(`label out of range for ${meta.classes.length} classes`, { file: yFile });
  return { images: x.data as Uint8Array, labels, count: n };
}

function parseMeta(bytes: Uint8Array, file: string): Meta {
  let meta: Partial<Meta>;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Meta>;
  } catch (e) {
    throw new FerError('not valid JSON', { file, cause: e });
  }
  const ok =
    meta.format === FORMAT &&
    Number.isInteger(meta.size) &&
    (meta.channels === 1 || meta.channels === 3) &&
    Array.isArray(meta.classes) &&
    meta.report !== undefined &&
    (meta.preset === 'default' || meta.preset === 'paper');
  if (!ok) throw new FerError('not the meta.json of a preprocessed dataset (run `fer preprocess` again)', { file });
  return meta as Meta;
}

async function readOrFail(file: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new FerError('cannot read the file (is the preprocessed folder complete?)', {
      file,
      kind: 'not-found',
      cause: e,
    });
  }
}
