/** Upload / sample -> Dataset in memory. */
import path from 'node:path';
import { describeDataset, loadDataset } from '../../core/dataset/load-dataset.ts';
import { FerError, isFerError } from '../../core/errors.ts';
import { toDatasetSummary } from '../convert.ts';
import type { JobContext } from '../job-runner.ts';
import type { LoadedDataset } from '../session.ts';

/** `root`: the upload folder, when the files were uploaded (errors then name files relative to it). */
export async function loadJob(
  ctx: JobContext,
  source: { path: string; name: string; root?: string },
): Promise<LoadedDataset & { seconds: number }> {
  const t0 = Date.now();
  ctx.progress('load', 0, `Loading ${source.name}`);
  let ds;
  try {
    ds = await loadDataset(source.path, {
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p.stage, p.fraction, p.message ?? `Loading ${source.name}`),
    });
  } catch (e) {
    throw source.root && isFerError(e) ? relativeTo(source.root, e) : e;
  }
  // The source path is a temp/upload path: show the user's name for it instead.
  ds.source = source.name;
  return { ds, summary: toDatasetSummary(describeDataset(ds), source.name), seconds: (Date.now() - t0) / 1000 };
}

/**
 * The same error naming the file as the user sent it ("data/Y.npy") rather than by its place in
 * the server's temporary upload folder, which means nothing to the user (and is not theirs to see).
 */
function relativeTo(root: string, e: FerError): FerError {
  const strip = (s: string): string => s.split(root + path.sep).join('');
  const file = e.file?.startsWith(root + path.sep)
    ? path.relative(root, e.file).split(path.sep).join('/')
    : e.file && strip(e.file);
  const problem = e.file && e.message.startsWith(`${e.file}: `) ? e.message.slice(e.file.length + 2) : e.message;
  return new FerError(strip(problem), { file, kind: e.kind, cause: e });
}
