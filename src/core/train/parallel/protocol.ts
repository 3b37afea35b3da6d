/** Messages between the trainer's main thread and its gradient workers (see gradient-pool.ts). */
import type { BackendName } from '../../backend/init-backend.ts';

export type LossKind = 'categorical' | 'binary';

/** What a worker needs to rebuild the main thread's model: topology, every weight, and the loss. */
export interface GradWorkerInit {
  backend: BackendName;
  /** `model.toJSON(null, false)`: plain data, survives structured clone. */
  topology: object;
  /** Values of `model.weights`, in that order (trainable and batch-norm statistics). */
  weights: Float32Array[];
  inputShape: number[];
  classes: number;
  loss: LossKind;
}

/** One shard of a batch: `m` examples, row-major like the trainer's buffers. */
export interface Shard {
  x: Float32Array;
  y: Float32Array;
  /** Per-example loss weights, or null for a plain mean. */
  w: Float32Array | null;
  m: number;
}

/** Summary of one shard's forward pass; `weight` is what the shard's mean loss was normalised by. */
export interface ShardStats {
  loss: number;
  correct: number;
  bin: number;
  weight: number;
}

/** Requests over the worker channel (core/worker-channel.ts): 'ready' is answered (null) once the replica is built. */
export type ToGradWorker =
  | { type: 'ready' }
  | {
      type: 'step';
      shard: Shard;
      /** Trainable weights packed in `model.trainableWeights` order; absent when unchanged since the last step. */
      weights: Float32Array | null;
    }
  | {
      /** Batch-norm input moments of `m` clean examples (precise-bn.ts's batchMoments), for the recalibration. */
      type: 'moments';
      x: Float32Array;
      m: number;
      /** As in 'step'. */
      weights: Float32Array | null;
    };

/** A 'moments' answer: batchMoments()'s arrays, and the worker's live tensor count. */
export interface MomentsResult {
  moments: Float32Array[];
  tensors: number;
}

/** A step's answer: the shard's packed gradients, its stats, and the worker's live tensor count. */
export interface StepResult {
  stats: ShardStats;
  grads: Float32Array;
  tensors: number;
  /** Milliseconds the worker spent on this step: assigning weights, the shard's passes, packing gradients. */
  ms: { assign: number; compute: number; pack: number };
}
