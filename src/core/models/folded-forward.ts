/**
 * Inference with each convolution's batch norm and ReLU folded into one fused
 * convolution. tfjs-layers runs conv, batch norm and activation as three passes
 * over every activation map; with W' = W * s and b' = beta + (bias - mean) * s,
 * s = gamma / sqrt(variance + epsilon), one tf.fused.conv2d does all three.
 * On wasm (`npm run bench -- --only fold`): shipped CNN 1.2x faster for a face
 * and its mirror image and for a batch of 256; RNN (two folded stem convs)
 * 1.07x and 1.34x.
 *
 * Layers it does not fold run as themselves (layer.apply, inference mode), so
 * any sequential model works; the output equals model.predict up to float
 * rounding (tested). The folded weights are kept as tensors for the model's
 * life: the wasm backend packs a filter for XNNPACK once per tensor, and new
 * filter tensors on every call made a face's forward pass slower, not faster.
 * They are refolded (the old ones freed) whenever a source variable has been
 * assigned since (training, setWeights), and freed by the model's own dispose().
 */
import * as tf from '@tensorflow/tfjs';

type Layer = tf.layers.Layer;
/** One step of the plan: folded weights (plain arrays: no tensors outlive a call) or a layer run as itself. */
type Step =
  | { kind: 'conv'; filter: tf.Tensor4D; bias: tf.Tensor1D; pad: 'same' | 'valid'; relu: boolean }
  | { kind: 'layer'; layer: Layer };

interface Plan { sources: tf.Tensor[]; ids: object[]; steps: Step[] }

/** The folded tensors of one model, freed on refolding and with the model. */
interface Held { tensors: tf.Tensor[] }

const plans = new WeakMap<tf.LayersModel, { plan: Plan | null; held: Held }>();
const release = (held: Held): void => {
  for (const t of held.tensors) if (!t.isDisposed) t.dispose();
  held.tensors = [];
};

/** Frees the folded tensors whenever the model itself is disposed, wherever that happens. */
function disposeWithModel(model: tf.LayersModel, held: Held): void {
  const dispose = model.dispose.bind(model);
  model.dispose = () => {
    release(held);
    return dispose();
  };
}

const cfg = (l: Layer): Record<string, unknown> => l.getConfig() as Record<string, unknown>;
const ones = (v: unknown): boolean => (Array.isArray(v) ? v.every((x) => x === 1) : v === 1 || v === undefined);

/** A conv that folding keeps exact: stride 1, no dilation, channels last, linear output. */
function foldableConv(l: Layer): boolean {
  const c = cfg(l);
  return l.getClassName() === 'Conv2D' && ones(c.strides) && ones(c.dilationRate) && c.dataFormat !== 'channelsFirst' && (c.activation ?? 'linear') === 'linear';
}

function foldableNorm(l: Layer | undefined): boolean {
  if (l?.getClassName() !== 'BatchNormalization') return false;
  const c = cfg(l);
  return (c.axis === -1 || c.axis === 3) && c.center !== false && c.scale !== false;
}

function makePlan(model: tf.LayersModel): Plan | null {
  if (model.getClassName() !== 'Sequential') return null; // a chain of layers is what the plan walks
  const layers = model.layers;
  const steps: Step[] = [];
  const sources: tf.Tensor[] = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    if (!(foldableConv(l) && foldableNorm(layers[i + 1]))) {
      steps.push({ kind: 'layer', layer: l });
      continue;
    }
    const norm = layers[i + 1];
    const act = layers[i + 2];
    const relu = act?.getClassName() === 'Activation' && cfg(act).activation === 'relu';
    const [kernel, convBias] = l.getWeights();
    const [gamma, beta, mean, variance] = norm.getWeights();
    sources.push(...l.getWeights(), ...norm.getWeights());
    const eps = Number(cfg(norm).epsilon ?? 1e-3);
    const g = gamma.dataSync(), b = beta.dataSync(), mu = mean.dataSync(), v = variance.dataSync();
    const b0 = convBias?.dataSync();
    const out = g.length;
    const s = Float32Array.from(g, (gi, k) => gi / Math.sqrt(v[k] + eps));
    const filter = Float32Array.from(kernel.dataSync(), (w, idx) => w * s[idx % out]); // [kh, kw, in, out]: out varies fastest
    const bias = Float32Array.from(b, (bk, k) => bk + ((b0?.[k] ?? 0) - mu[k]) * s[k]);
    steps.push({
      kind: 'conv', pad: cfg(l).padding === 'same' ? 'same' : 'valid', relu,
      // Kept: made inside a caller's tidy, they must outlive it.
      filter: tf.keep(tf.tensor4d(filter, kernel.shape as [number, number, number, number])), bias: tf.keep(tf.tensor1d(bias)),
    });
    i += relu ? 2 : 1;
  }
  return steps.some((st) => st.kind === 'conv') ? { sources, ids: sources.map((t) => t.dataId), steps } : null;
}

/** The model's plan, refolded when a source variable was assigned since it was made. */
function planFor(model: tf.LayersModel): Plan | null {
  let entry = plans.get(model);
  const stale = entry?.plan?.sources.some((t, k) => t.dataId !== entry!.plan!.ids[k]) ?? false;
  if (!entry || stale) {
    if (!entry) {
      entry = { plan: null, held: { tensors: [] } };
      plans.set(model, entry);
      disposeWithModel(model, entry.held);
    }
    release(entry.held);
    entry.plan = makePlan(model);
    entry.held.tensors = entry.plan?.steps.flatMap((st) => (st.kind === 'conv' ? [st.filter, st.bias] : [])) ?? [];
  }
  return entry.plan;
}

/** How many convolutions the plan folds (0: the model runs as model.predict). */
export function foldedConvCount(model: tf.LayersModel): number {
  return planFor(model)?.steps.filter((st) => st.kind === 'conv').length ?? 0;
}

/** model.predict with convolutions folded; call inside tf.tidy. Falls back to model.predict for models it cannot fold. */
export function foldedPredict(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  const plan = planFor(model);
  if (!plan) return model.predict(x) as tf.Tensor;
  let y = x;
  for (const st of plan.steps) {
    const prev = y;
    // Each activation is freed once the next exists, not when the caller's tidy ends: a
    // validation batch of 256 otherwise held every layer's output at once (bench/memory.ts).
    y = tf.tidy(() => st.kind === 'layer'
      ? (st.layer.apply(prev, { training: false }) as tf.Tensor)
      : tf.fused.conv2d({ x: prev as tf.Tensor4D, filter: st.filter, strides: 1, pad: st.pad, bias: st.bias, activation: st.relu ? 'relu' : 'linear' }));
    // x is the caller's; a layer may hand back its input (dropout in inference).
    if (prev !== x && prev !== y) prev.dispose();
  }
  return y;
}
