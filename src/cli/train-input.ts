/**
 * `fer train --data` takes either a dataset (loaded and preprocessed here with
 * the defaults, or the paper preset) or a folder written by `fer preprocess`
 * (recognised by its meta.json), so a slow PCA is paid once, not per run.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadDataset } from '../core/dataset/load-dataset.ts';
import { preprocessDataset } from '../core/preprocess/preprocess.ts';
import type { PreprocessResult } from '../core/preprocess/preprocess-result.ts';
import { loadPreprocessed } from '../core/preprocess/preprocessed-io.ts';
import type { CliContext } from './context.ts';
import { progressReporter } from './task-progress.ts';

export async function isPreprocessedDir(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, 'meta.json'))).isFile();
  } catch {
    return false;
  }
}

export async function loadTrainingData(
  data: string,
  preset: 'default' | 'paper',
  ctx: CliContext,
): Promise<PreprocessResult> {
  if (await isPreprocessedDir(data)) {
    const pre = await loadPreprocessed(data);
    if (!ctx.json) ctx.print(`preprocessed data from ${data}`);
    return pre;
  }
  const ds = await loadDataset(data, { signal: ctx.signal, onProgress: progressReporter(ctx, 'loading') });
  const pre = await preprocessDataset(ds, {
    preset,
    backend: ctx.runtime.backend,
    signal: ctx.signal,
    onProgress: progressReporter(ctx, 'preprocessing'),
  });
  ctx.clearStatus();
  return pre;
}
