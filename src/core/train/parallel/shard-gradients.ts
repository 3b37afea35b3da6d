/**
 * One shard's forward and backward pass, shared by the main thread and the
 * gradient workers so both compute exactly what the single-thread trainer does.
 *
 * Each shard's loss is the trainer's loss over that shard alone: a mean
 * normalised by the shard's `weight` (the sum of its sample weights, or its
 * example count). The full batch's loss is sum_s(weight_s * loss_s) / sum_s(weight_s),
 * so the full-batch gradient is the same weighted average of shard gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { binaryAccuracySum, binaryCrossEntropy, countCorrect, weightedCrossEntropy } from '../losses.ts';
import type { WasmHeapBackend } from '../../backend/wasm-heap.ts';
import type { LossKind, Shard, ShardStats } from './protocol.ts';

/** The variables behind `model.trainableWeights`: same order on every thread that built the same topology. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

export function shardWeight(shard: Shard): number {
  if (!shard.w) return shard.m;
  let s = 0;
  for (let i = 0; i < shard.m; i++) s += shard.w[i];
  return s;
}

/** Gradients of the shard's loss w.r.t. `vars` (caller disposes them) and its stats. */
export function shardGradients(
  model: tf.LayersModel,
  vars: tf.Variable[],
  inputShape: number[],
  classes: number,
  loss: LossKind,
  shard: Shard,
): { grads: tf.Tensor[]; stats: ShardStats } {
  // The binary loss is a plain mean, whatever weights the trainer filled in.
  if (loss === 'binary') shard = { ...shard, w: null };
  const { m } = shard;
  const featureSize = inputShape.reduce((a, b) => a * b, 1);
  const out = tf.tidy(() => {
    const x = tf.tensor(shard.x.subarray(0, m * featureSize), [m, ...inputShape]);
    const y = tf.tensor2d(shard.y.subarray(0, m * classes), [m, classes]);
    const w = shard.w ? tf.tensor1d(shard.w.subarray(0, m)) : null;
    let probs: tf.Tensor2D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      // kept: variableGrads() disposes everything else the forward pass creates.
      probs = tf.keep(model.apply(x, { training: true }) as tf.Tensor2D);
      return loss === 'binary' ? binaryCrossEntropy(y, probs) : weightedCrossEntropy(y, probs, w);
    }, vars);
    const p = probs as unknown as tf.Tensor2D;
    // A variable the loss does not reach gets a zero gradient, like a frozen path would.
    const ordered = vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
    const result = { ordered, value, correct: countCorrect(y, p), bin: binaryAccuracySum(y, p) };
    p.dispose();
    return result;
  });
  const stats: ShardStats = {
    loss: out.value.dataSync()[0],
    correct: out.correct.dataSync()[0],
    bin: out.bin.dataSync()[0],
    weight: shardWeight(shard),
  };
  tf.dispose([out.value, out.correct, out.bin]);
  return { grads: out.ordered, stats };
}

/**
 * Copies tensors' values end to end into one fresh buffer (safe to transfer: no backend owns it).
 * On wasm straight from the heap (one copy, not dataSync's copy and then ours: it runs on every
 * step's critical path, scripts/pool-timing.ts's send and worker pack).
 */
export function packTensors(tensors: tf.Tensor[]): Float32Array {
  const flat = new Float32Array(tensors.reduce((n, t) => n + t.size, 0));
  const heap = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as WasmHeapBackend) : null;
  let off = 0;
  for (const t of tensors) {
    // No allocation between taking the view and copying it: the heap cannot grow (and detach it) in between.
    flat.set(heap && t.dtype === 'float32' ? heap.typedArrayFromHeap(t) : (t.dataSync() as Float32Array), off);
    off += t.size;
  }
  return flat;
}

/** Writes a packed buffer back into variables of matching shapes. */
export function assignPacked(vars: tf.Variable[], flat: Float32Array): void {
  tf.tidy(() => {
    let off = 0;
    for (const v of vars) {
      v.assign(tf.tensor(flat.subarray(off, off + v.size), v.shape));
      off += v.size;
    }
  });
}
