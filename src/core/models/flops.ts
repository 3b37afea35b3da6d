/**
 * Multiply-accumulates per image for the layer types FER Studio builds, read
 * from a model's layer configs and output shapes. Used by the evaluation report
 * ("FLOPs per image" = 2 x MACs); approximate for activations and pooling, which
 * cost far less than convolutions, dense layers and LSTM gates.
 */
import type * as tf from '@tensorflow/tfjs';

interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  outputShape: tf.Shape | tf.Shape[];
  /** The symbolic input of a built layer (tfjs leaves `inputShape` unset on non-first layers). */
  input: { shape: tf.Shape } | { shape: tf.Shape }[];
  countParams(): number;
}

const dims = (s: tf.Shape | tf.Shape[]): number[] => ((Array.isArray(s[0]) ? s[0] : s) as (number | null)[]).map((d) => d ?? 1);

function lstmMacs(steps: number, input: number, units: number): number {
  return steps * 4 * units * (input + units);
}

export function layerMacs(layer: LayerLike): number {
  const cfg = layer.getConfig();
  const out = dims(layer.outputShape);
  const input = Array.isArray(layer.input) ? layer.input[0] : layer.input;
  const inp = dims(input.shape);
  switch (layer.getClassName()) {
    case 'Conv2D': {
      const [kh, kw] = cfg.kernelSize as number[];
      return out[1] * out[2] * out[3] * kh * kw * inp[3];
    }
    case 'Dense':
      return inp[inp.length - 1] * out[out.length - 1];
    case 'LSTM':
      return lstmMacs(inp[1], inp[2], cfg.units as number);
    case 'Bidirectional': {
      const inner = (cfg.layer as { config: { units: number } }).config;
      return 2 * lstmMacs(inp[1], inp[2], inner.units);
    }
    default:
      return 0;
  }
}

export function modelMacs(model: { layers: LayerLike[] }): number {
  return model.layers.reduce((a, l) => a + layerMacs(l), 0);
}
