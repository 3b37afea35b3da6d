/**
 * How `fer train` shows progress: a live bar per epoch plus one line per epoch
 * in a terminal, or one JSON object per batch and per epoch with --json.
 */
import type { EpochRecord } from '../core/models/types.ts';
import type { BatchEvent } from '../core/train/trainer.ts';
import type { CliContext } from './context.ts';
import { bar, duration, percent, throttle } from './progress-bar.ts';

export interface TrainView {
  onBatch(b: BatchEvent): void;
  onEpoch(e: EpochRecord): void;
}

export function trainView(
  ctx: CliContext,
  epochs: number,
  batchSize: number,
  validationSplit: string | null,
): TrainView {
  const due = throttle(100);
  return {
    onBatch(b) {
      if (ctx.json) {
        ctx.emit({ type: 'batch', ...b });
        return;
      }
      if (!due(b.batch === b.batches)) return;
      // The trainer's rate counts from the epoch's start, so it also gives the time spent so far.
      const elapsed = (b.batch * batchSize) / Math.max(b.imagesPerSecond, 1e-9);
      const eta = (elapsed / b.batch) * (b.batches - b.batch);
      ctx.status(
        `epoch ${b.epoch}/${epochs} ${bar(b.batch / b.batches)} ${b.batch}/${b.batches}  loss ${b.loss.toFixed(3)}  acc ${percent(b.accuracy)}  ${b.imagesPerSecond.toFixed(1)} img/s  ETA ${duration(eta)}`,
      );
    },
    onEpoch(e) {
      if (ctx.json) {
        ctx.emit({ type: 'epoch', epochs, validationSplit, ...e });
        return;
      }
      const val =
        e.valAccuracy === null ? '' : `  val_loss ${e.valLoss?.toFixed(3)}  val_acc ${percent(e.valAccuracy)}`;
      const bin = e.binaryAccuracy === undefined ? '' : `  binary_acc ${percent(e.binaryAccuracy)}`;
      ctx.print(
        `epoch ${e.epoch}/${epochs}  loss ${e.loss.toFixed(3)}  acc ${percent(e.accuracy)}${bin}${val}  (${duration(e.seconds)})`,
      );
    },
  };
}
