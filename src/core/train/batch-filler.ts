/**
 * The trainer's batch buffers (issue 17, lever 4): examples, targets and sample weights of one
 * batch, filled from a BatchSource. Two sets are used in turn so the trainer can augment batch
 * b+1 while batch b's step still owns the other set: GradientPool.step sends the workers their
 * shards and computes the main thread's own before it first waits, so a fill made after step()
 * returns its promise runs while the worker finishes (the idle-time breakdown that motivated it:
 * scripts/pool-timing.ts; the A/B figure: bench/train.ts --ab prefetch).
 *
 * Batches are still filled strictly in order from the one epoch rng, so the random streams,
 * and with them the trained weights, are the same with prefetching on or off.
 */
import type { BatchSource } from '../input/batch-source.ts';
import { fillTargets } from '../input/batches.ts';
import type { Rng } from '../random.ts';

let prefetch = true;

/** Off: every batch is filled just before its own step, as before lever 4 (bench --ab and the equality test). */
export function setBatchPrefetch(on: boolean): void {
  prefetch = on;
}

export function batchPrefetch(): boolean {
  return prefetch;
}

/** Rows 0..m-1 of `x`, `y` and (when weighted) `w` hold the batch. */
export interface FilledBatch {
  x: Float32Array;
  y: Float32Array;
  w: Float32Array | null;
  m: number;
}

export class BatchFiller {
  private readonly sets: { x: Float32Array; y: Float32Array; w: Float32Array }[];
  private turn = 0;

  constructor(
    private readonly source: BatchSource,
    private readonly classes: number,
    batchSize: number,
    private readonly labelSmoothing: number,
    /** Loss weight of each class, or null for a plain mean. */
    private readonly classWeights: Float32Array | null,
  ) {
    this.sets = [0, 1].map(() => ({
      x: new Float32Array(batchSize * source.featureSize),
      y: new Float32Array(batchSize * classes),
      w: new Float32Array(classWeights ? batchSize : 0),
    }));
  }

  /** Fills examples `idx` (augmented with `rng`) into the set not filled last time. */
  fill(idx: Uint32Array, rng: Rng): FilledBatch {
    const s = this.sets[this.turn];
    this.turn ^= 1;
    const { labels } = this.source;
    this.source.fill(idx, s.x, rng);
    fillTargets(labels, idx, this.classes, this.labelSmoothing, s.y);
    const cw = this.classWeights;
    if (cw) for (let i = 0; i < idx.length; i++) s.w[i] = cw[labels[idx[i]]];
    return { x: s.x, y: s.y, w: cw ? s.w : null, m: idx.length };
  }
}
