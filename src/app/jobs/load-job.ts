/** Upload / sample -> Dataset in memory. */
import { describeDataset, loadDataset } from '../../core/dataset/load-dataset.ts';
import { toDatasetSummary } from '../convert.ts';
import type { JobContext } from '../job-runner.ts';
import type { LoadedDataset } from '../session.ts';

export async function loadJob(ctx: JobContext, source: { path: string; name: string }): Promise<LoadedDataset & { seconds: number }> {
  const t0 = Date.now();
  ctx.progress('load', 0, `Loading ${source.name}`);
  const ds = await loadDataset(source.path, {
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.stage, p.fraction, p.message ?? `Loading ${source.name}`),
  });
  // The source path is a temp/upload path: show the user's name for it instead.
  ds.source = source.name;
  return { ds, summary: toDatasetSummary(describeDataset(ds), source.name), seconds: (Date.now() - t0) / 1000 };
}
