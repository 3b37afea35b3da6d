/**
 * The batch moments precise BN needs (the mean and mean square of each batch-norm
 * layer's input), computed layer by layer so that only the tensor being consumed and
 * the one being made are alive.
 *
 * Why: precise BN runs its probe in training mode, and a training-mode apply keeps
 * every intermediate activation until its tidy ends. At its batch of 128 that was the
 * largest set of live tensors in a whole training run (more than a 32-image gradient
 * step), and the wasm heap, which never shrinks, grew to hold it on every thread that
 * recalibrates. Walking a chain of layers with the same calls in the same order gives
 * the same numbers while holding one or two activations. Peak live bytes and equality
 * with the whole-probe apply: test/core/train/bn-input-moments.test.ts; the process's
 * peak resident memory: bench/memory.ts.
 */
import * as tf from '@tensorflow/tfjs';

type Layer = tf.layers.Layer;

/**
 * The probe's layers in order when they form a simple chain (each layer's one input is
 * the previous layer's one output, as in a Sequential model) ending at the last output;
 * null for any other graph (branches, shared layers, several inputs).
 */
export function chainOf(probe: tf.LayersModel): Layer[] | null {
  const layers = probe.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const input = probe.inputs.length === 1 ? probe.inputs[0].sourceLayer : null;
  if (!input || !layers.length) return null;
  let prev: Layer = input as Layer;
  for (const l of layers) {
    const nodes = l.inboundNodes;
    if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1 || nodes[0].inboundLayers[0] !== prev) return null;
    if (Array.isArray(l.output)) return null;
    prev = l;
  }
  return probe.outputs.every((o) => layers.includes(o.sourceLayer as Layer)) ? layers : null;
}

/** [mean, mean square] over every axis but the last (the channels). */
function moments(o: tf.Tensor): tf.Tensor[] {
  const axes = o.shape.slice(0, -1).map((_, i) => i);
  return [tf.mean(o, axes), tf.mean(tf.square(o), axes)];
}

/**
 * Per output of `probe`, the moments of that output for `input` with every layer in
 * training mode: [mean0, sq0, mean1, sq1, ...], the caller disposes them. The same
 * values as applying the whole probe; layer by layer when the probe is a chain.
 */
export function probeMoments(probe: tf.LayersModel, input: tf.Tensor): tf.Tensor[] {
  const chain = chainOf(probe);
  if (!chain)
    return tf.tidy(() => {
      const outs = probe.apply(input, { training: true }) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(outs) ? outs : [outs]).flatMap(moments);
    });
  const wanted = probe.outputs.map((o) => o.sourceLayer as Layer);
  const found: tf.Tensor[][] = wanted.map(() => []);
  const last = Math.max(...wanted.map((l) => chain.indexOf(l)));
  let x = input;
  for (let i = 0; i <= last; i++) {
    // The nested tidy frees what the layer makes on its way (batch norm's temporaries).
    const y = tf.tidy(() => chain[i].apply(x, { training: true }) as tf.Tensor);
    wanted.forEach((l, k) => {
      if (l === chain[i]) found[k] = tf.tidy(() => moments(y));
    });
    // A layer may hand back its input (dropout, identity); the caller's input is the caller's.
    if (x !== input && x !== y) x.dispose();
    x = y;
  }
  if (x !== input) x.dispose();
  return found.flat();
}
