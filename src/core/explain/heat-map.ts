/**
 * Where a model looked: one heat map per face for the class it chose.
 *
 * - Grad-CAM (Selvaraju et al. 2017) for a network with convolutions: the output of its
 *   last convolutional block (conv + batch norm + activation; for the RNN, the end of its
 *   convolutional stem), each channel weighted by the mean gradient of the class score
 *   over it, summed, negatives cut, upsampled to the input.
 * - Gradient x input (Shrikumar et al. 2016) for a network without convolutions: the
 *   score's gradient times the input, per pixel, as a magnitude.
 *
 * The class score is a logit (the softmax's input), as in the Grad-CAM paper: the
 * softmax's own gradient shrinks to nothing for a confident answer. The models read
 * exactly what the classifier reads (input/model-input.ts); all faces go through one
 * forward and one backward pass (batch norm runs on its moving statistics, so faces do
 * not mix).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../dataset/types.ts';
import { FerError, throwIfCancelled } from '../errors.ts';
import { pixelsForModel, sourceForModel } from '../input/model-input.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { resizeMap } from './resize-map.ts';

export type HeatMethod = 'grad-cam' | 'gradient-x-input';

export interface HeatMap {
  method: HeatMethod;
  /** The layer Grad-CAM read (its name in the model); null for gradient x input. */
  layer: string | null;
  /** The explained class (the model's answer unless the caller chose it). */
  classIndex: number;
  label: string;
  /** size x size heat, 0..1 (1 = the face's hottest pixel), over the model's input image. */
  map: Float32Array;
  size: number;
}

export interface ExplainOptions {
  /** The class to explain per face (e.g. predict's answer with test-time augmentation); default: this pass's argmax. */
  classIndices?: number[];
  signal?: AbortSignal;
}

/** The model as a chain of layers, and where its last convolutional block ends (-1: none). */
function chain(model: tf.LayersModel): { layers: tf.layers.Layer[]; blockEnd: number } {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const seq = layers.every((l) => l.inboundNodes.length === 1 && l.inboundNodes[0].inboundLayers.length <= 1);
  if (!seq) throw new FerError('heat maps need a model whose layers form one chain', { kind: 'usage' });
  let end = -1;
  layers.forEach((l, i) => {
    if (l.getClassName() === 'Conv2D') end = i;
  });
  if (end >= 0) {
    while (
      end + 1 < layers.length &&
      ['BatchNormalization', 'Activation', 'ReLU'].includes(layers[end + 1].getClassName())
    )
      end++;
  }
  return { layers, blockEnd: end };
}

function run(layers: tf.layers.Layer[], x: tf.Tensor): tf.Tensor {
  let y = x;
  for (const l of layers) y = l.apply(y, { training: false }) as tf.Tensor;
  return y;
}

/** The class scores before the softmax: the last layer applied without its activation. */
function logits(layers: tf.layers.Layer[], x: tf.Tensor): tf.Tensor2D {
  const last = layers[layers.length - 1];
  const y = run(layers.slice(0, -1), x);
  const cfg = last.getConfig();
  if (last.getClassName() === 'Dense' && cfg.activation === 'softmax') {
    const [kernel, bias] = last.getWeights();
    const z = tf.matMul(y as tf.Tensor2D, kernel as tf.Tensor2D);
    return (bias ? z.add(bias) : z) as tf.Tensor2D;
  }
  return last.apply(y, { training: false }) as tf.Tensor2D;
}

/** Heat maps for `count` gray size x size face crops (uint8, one after another). */
export async function explainCrops(
  m: FerModel,
  crops: Uint8Array,
  count: number,
  size: number,
  opts: ExplainOptions = {},
): Promise<HeatMap[]> {
  throwIfCancelled(opts.signal);
  if (count === 0) return [];
  const p = m.meta.preprocessing;
  if (p.pca?.mode === 'paper-coefficients') {
    throw new FerError(
      'no heat map for a model that reads PCA coefficients (the paper preset): its input is not an image',
      { kind: 'usage' },
    );
  }
  const ds: Dataset = {
    format: 'folder',
    source: 'faces',
    classes: [],
    count,
    height: size,
    width: size,
    channels: 1,
    images: crops,
    labels: new Uint8Array(count),
    split: null,
  };
  const src = sourceForModel(m.meta, pixelsForModel(m.meta, ds), ds.labels, m.pca);
  const input = new Float32Array(count * src.featureSize);
  src.fill(
    Array.from({ length: count }, (_, i) => i),
    input,
    null,
  );
  const { layers, blockEnd } = chain(m.model);
  const side = p.size;
  const k = m.meta.classes.length;

  const raw = tf.tidy(() => {
    const x = tf.tensor(input, [count, ...m.meta.inputShape]);
    // The class's logit less the mean logit: the part of it the softmax sees (adding one value to
    // every logit changes no probability), so what pushes all classes alike is not counted as evidence.
    const pick = (scores: tf.Tensor2D, cls: number[]) =>
      scores.mul(tf.oneHot(tf.tensor1d(cls, 'int32'), k).sub(1 / k)).sum();
    const classes = opts.classIndices ?? (logits(layers, x).argMax(1).arraySync() as number[]);
    if (blockEnd < 0) {
      const g = tf.grad((xi: tf.Tensor) => pick(logits(layers, xi), classes))(x);
      const heat = g
        .mul(x)
        .abs()
        .reshape([count, side * side, -1])
        .sum(2);
      return { classes, heat: heat.dataSync() as Float32Array, h: side, w: side };
    }
    const a = run(layers.slice(0, blockEnd + 1), x) as tf.Tensor4D;
    const g = tf.grad((ai: tf.Tensor) => pick(logits(layers.slice(blockEnd + 1), ai), classes))(a) as tf.Tensor4D;
    const weights = g.mean([1, 2], true); // [n, 1, 1, channels]
    const cam = a.mul(weights).sum(3).relu(); // [n, h, w]
    return { classes, heat: cam.dataSync() as Float32Array, h: a.shape[1], w: a.shape[2] };
  });

  const method: HeatMethod = blockEnd < 0 ? 'gradient-x-input' : 'grad-cam';
  const plane = raw.h * raw.w;
  return raw.classes.map((classIndex, i) => {
    const one = raw.heat.slice(i * plane, (i + 1) * plane);
    const map = normalise(raw.h === side && raw.w === side ? one : resizeMap(one, raw.w, raw.h, side, side), method);
    return {
      method,
      layer: blockEnd < 0 ? null : layers[blockEnd].name,
      classIndex,
      label: m.meta.classes[classIndex],
      map,
      size: side,
    };
  });
}

/**
 * 0..1 per face. Gradient x input is speckled, with a few pixels far above the rest, so it is
 * scaled to its 99th percentile (those few saturate) instead of its maximum.
 */
function normalise(map: Float32Array, method: HeatMethod): Float32Array {
  const sorted = Float32Array.from(map).sort();
  const top = method === 'grad-cam' ? sorted[sorted.length - 1] : sorted[Math.floor((sorted.length - 1) * 0.99)];
  const out = new Float32Array(map.length);
  if (!(top > 0)) return out;
  for (let i = 0; i < map.length; i++) out[i] = Math.min(1, map[i] / top);
  return out;
}
