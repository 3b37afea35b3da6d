/**
 * Trains one model on the preprocessed data, streaming epochs (chart) and
 * batches (progress bar), then measures it on the test split. Each run writes
 * a fresh folder under the session's work dir, so a run cancelled before its
 * first epoch finished leaves the previous model untouched.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { GalleryModelInput } from '../../core/eval/gallery.ts';
import type { EpochPoint, ModelSlot, RequestArgs, TestReport } from '../../contract/contract.ts';
import { MODEL_LABELS } from '../../contract/contract.ts';
import { loadFerModel } from '../../core/model-io/load-fer-model.ts';
import { trainOnPreprocessed } from '../../core/pipeline/train-pipeline.ts';
import { defaultCheckpointDir } from '../../core/train/trainer.ts';
import { toEpochPoint, toModelSummary } from '../convert.ts';
import type { JobContext } from '../job-runner.ts';
import { epochLine } from '../narrate.ts';
import type { SessionModel } from '../session.ts';
import { evaluateOnTest } from './evaluate-job.ts';
import type { JobDeps } from './job-deps.ts';

export interface TrainOutcome {
  slot: ModelSlot;
  model: SessionModel | null;
  report: TestReport | null;
  evaluation?: GalleryModelInput;
  cancelled: boolean;
  dir: string;
}

/** At most one running-curve point per this many milliseconds (and the epoch's last batch always). */
const BATCH_EVENT_MS = 250;

export async function trainJob(deps: JobDeps, ctx: JobContext, args: RequestArgs<'train'>): Promise<TrainOutcome> {
  const pre = deps.session.pre!;
  const slot = args.model;
  const label = MODEL_LABELS[slot];
  const dir = path.join(deps.workDir, 'models', `${slot}-${Date.now()}`);
  const history: EpochPoint[] = [];
  ctx.progress('train', 0, `Training the ${label}: building the model`);
  let lastBatchEvent = 0;
  const result = await trainOnPreprocessed(pre.result, {
    kind: slot,
    epochs: args.epochs,
    batchSize: args.batchSize,
    learningRate: args.learningRate ?? undefined,
    outDir: dir,
    signal: ctx.signal,
    workers: deps.runtime.trainThreads ?? undefined,
    onBatch: (b) => {
      ctx.progress(
        'train',
        (b.epoch - 1 + b.batch / b.batches) / args.epochs,
        `${label} epoch ${b.epoch}/${args.epochs}, batch ${b.batch}/${b.batches}: accuracy ${(b.accuracy * 100).toFixed(1)} %, loss ${b.loss.toFixed(3)}, ${b.imagesPerSecond.toFixed(0)} images/s`,
      );
      // The chart's running curve: a few points a second are enough to see learning happen.
      const now = Date.now();
      if (now - lastBatchEvent < BATCH_EVENT_MS && b.batch < b.batches) return;
      lastBatchEvent = now;
      deps.emit({
        type: 'batch',
        jobId: ctx.id,
        slot,
        epochs: args.epochs,
        point: { x: b.epoch - 1 + b.batch / b.batches, loss: b.loss, accuracy: b.accuracy },
      });
    },
    onEpoch: (rec) => {
      const point = toEpochPoint(rec);
      history.push(point);
      deps.emit({ type: 'epoch', jobId: ctx.id, slot, epochs: args.epochs, point });
      deps.log(epochLine(slot, args.epochs, point));
    },
  });
  result.model.dispose();
  await fs.rm(defaultCheckpointDir(dir), { recursive: true, force: true });
  if (!existsSync(path.join(dir, 'model.json')))
    return { slot, model: null, report: null, cancelled: result.cancelled, dir };
  // The best epoch by validation accuracy is what was saved, and what predict should use.
  const fer = await loadFerModel(dir);
  const best = fer.meta.metrics.bestEpoch;
  const description = `${label} trained in this session on ${pre.datasetName} (${history.length} epoch${history.length === 1 ? '' : 's'}${best ? `, best epoch ${best}` : ''})`;
  const model: SessionModel = { fer, summary: { ...toModelSummary(slot, fer, 'trained', description), history } };
  if (pre.result.test.count > 0 && !ctx.signal.aborted) {
    const measured = await evaluateOnTest(pre, { [slot]: fer }, ctx, deps.runtime.predictThreads);
    return {
      slot,
      model,
      report: measured.reports[slot] ?? null,
      evaluation: measured.evaluations[slot],
      cancelled: result.cancelled,
      dir,
    };
  }
  return { slot, model, report: null, cancelled: result.cancelled, dir };
}
