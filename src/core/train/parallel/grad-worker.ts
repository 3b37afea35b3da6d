/**
 * Gradient worker thread: holds a replica of the trainer's model and turns each
 * shard it is sent into packed gradients. It never updates weights itself; the
 * main thread owns the optimizer and sends the new trainable weights with the
 * next step. Batch-norm moving statistics in the replica go stale, which is
 * harmless: training-mode forward passes normalise with the batch's own
 * statistics, and the main thread re-estimates its statistics every epoch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../backend/init-backend.ts';
import { serveRequests } from '../../worker-channel.ts';
import { batchMoments, batchNormProbe } from '../precise-bn.ts';
import type { GradWorkerInit, MomentsResult, StepResult, ToGradWorker } from './protocol.ts';
import { assignPacked, packTensors, shardGradients, trainableVariables } from './shard-gradients.ts';

const init = workerData as GradWorkerInit;

type Work = Exclude<ToGradWorker, { type: 'ready' }>;

async function start(): Promise<(m: Work) => StepResult | MomentsResult> {
  await initBackend(init.backend);
  const model = await tf.models.modelFromJSON({ modelTopology: init.topology } as Parameters<
    typeof tf.models.modelFromJSON
  >[0]);
  tf.tidy(() => model.setWeights(model.weights.map((w, i) => tf.tensor(init.weights[i], w.read().shape))));
  const vars = trainableVariables(model);
  let probe: tf.LayersModel | null = null;
  // Synchronous on purpose: requests are answered strictly in the order they arrive.
  return (m) => {
    const t0 = performance.now();
    if (m.weights) assignPacked(vars, m.weights);
    if (m.type === 'moments') {
      probe ??= batchNormProbe(model);
      if (!probe) throw new Error('the model has no batch-norm layer');
      return { moments: batchMoments(probe, m.x, m.m, init.inputShape), tensors: tf.memory().numTensors };
    }
    const t1 = performance.now();
    const { grads, stats } = shardGradients(model, vars, init.inputShape, init.classes, init.loss, m.shard);
    const t2 = performance.now();
    const flat = packTensors(grads);
    tf.dispose(grads);
    const ms = { assign: t1 - t0, compute: t2 - t1, pack: performance.now() - t2 };
    return { stats, grads: flat, tensors: tf.memory().numTensors, ms };
  };
}

const replica = start();
replica.catch(() => undefined); // reported as the answer to the first request

// Failures (building the replica included) are answered as errors rather than thrown:
// the main thread turns them into a rejected step, and an uncaught exception would
// make the wasm runtime dump its whole source to stderr.
serveRequests<ToGradWorker, StepResult | MomentsResult | null>(
  parentPort!,
  async (m) => {
    const step = await replica;
    return m.type === 'ready' ? null : step(m);
  },
  (r) => (!r ? [] : 'grads' in r ? [r.grads.buffer as ArrayBuffer] : r.moments.map((a) => a.buffer as ArrayBuffer)),
  (e) => (e instanceof Error ? (e.stack ?? e.message) : String(e)),
);
