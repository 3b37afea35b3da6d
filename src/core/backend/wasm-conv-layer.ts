/**
 * In training on wasm, a Conv2D layer runs the plain conv2d op instead of
 * tf.fused.conv2d. The fused op's gradient is a customGrad that computes the
 * input gradient (Conv2DBackpropInput) and the filter gradient together,
 * eagerly, whether or not anything needs the input gradient. The plain op's
 * gradient is lazy per input, and the tape prunes inputs that no variable
 * reaches: so the first convolution of a model, whose input is the data (or a
 * Reshape of it), no longer computes a full-size input gradient nobody reads.
 * Which layers gain is decided by tfjs' own tape, not by a rule about the
 * model's structure, so a conv layer after a trainable layer keeps its input
 * gradient. (bench/train.ts --ab conv-input-grad measures it in one run.)
 *
 * Inference (training not true), other backends, channels-first and causal
 * padding keep the stock code; the saved model and its weights do not change.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-layers' Conv2D this file reads (its class is not exported as a type). */
interface Conv2DLayer {
  rank: number;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor;
}

let unfused = true;

/** Switches the plain-op training path on this thread (bench/train.ts --ab conv-input-grad); on by default. */
export function setConvLayerUnfused(on: boolean): void {
  unfused = on;
}

let patched = false;

/** Patches tfjs-layers' Conv2D call as the file comment says; idempotent. */
export function patchConv2DLayer(): void {
  if (patched) return;
  patched = true;
  const probe = tf.layers.conv2d({ filters: 1, kernelSize: 1 });
  const proto = Object.getPrototypeOf(probe) as Conv2DLayer;
  const stock = proto.call;
  proto.call = function plainTrainingCall(this: Conv2DLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (
      !unfused ||
      kwargs?.training !== true ||
      tf.getBackend() !== 'wasm' ||
      this.rank !== 2 ||
      this.dataFormat !== 'channelsLast' ||
      (this.padding !== 'same' && this.padding !== 'valid') ||
      x.rank !== 4 ||
      (Array.isArray(inputs) && inputs.length !== 1)
    ) {
      return stock.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const s = this.strides as [number, number];
      const d = this.dilationRate as [number, number];
      let y: tf.Tensor = tf.conv2d(
        x as tf.Tensor4D,
        this.kernel.read() as tf.Tensor4D,
        s,
        this.padding as 'same',
        'NHWC',
        d,
      );
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.activation ? this.activation.apply(y) : y;
    });
  };
}
