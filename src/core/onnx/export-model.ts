/**
 * A tfjs Sequential model (every architecture the builders in models/ make,
 * and models a user trains with them) as an ONNX graph that computes the same
 * probabilities from the same input: [N, ...inputShape] float32, exactly the
 * array tfjs's model.predict gets (model-input.ts).
 *
 * Images stay channels-last at the graph's edges, as in tfjs; inside, image
 * tensors are held channels-first (ONNX's Conv and pooling layout) and turned
 * back only where a layer reads them as a flat vector or sequence (Reshape,
 * Flatten, Permute), so the element order is tfjs's. Each convolution's batch
 * norm is folded into its weights (as folded-forward.ts does for tfjs); a batch
 * norm that follows anything else is a per-channel Mul and Add. Dropout is the
 * identity at inference. LSTMs use ONNX's LSTM op, whose gate activations
 * include HardSigmoid (tfjs's alpha 0.2, beta 0.5 are ONNX's defaults) and
 * Relu (the paper preset's LSTM).
 */
import type * as tf from '@tensorflow/tfjs';
import { FerError } from '../errors.ts';
import { attr, GraphBuilder } from './graph-builder.ts';

type Layer = tf.layers.Layer;
type Config = Record<string, unknown>;

/** A value of the graph: its name, its tfjs shape without the batch axis, and whether an image is held channels-first. */
interface Value {
  name: string;
  shape: number[];
  nchw: boolean;
}

export interface ExportOptions {
  /** Stored in the model's metadata (the cache key, onnx-cache.ts). */
  metadata?: Record<string, string>;
}

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'probs';

const unsupported = (l: Layer, what: string) =>
  new FerError(`cannot export layer ${l.name} (${l.getClassName()}) to ONNX: ${what}`, { kind: 'bad-input' });
const pair = (v: unknown): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[v.length > 1 ? 1 : 0])] : [Number(v ?? 1), Number(v ?? 1)];
const prod = (a: number[]) => a.reduce((x, y) => x * y, 1);
const outShape = (l: Layer): number[] => (l.outputShape as (number | null)[]).slice(1) as number[];

function weightsOf(l: Layer): Float32Array[] {
  return l.getWeights().map((t) => t.dataSync() as Float32Array);
}

class Exporter {
  readonly g = new GraphBuilder();

  /** Channels-first copy of a channels-last image value (a Reshape when one side is a single channel or pixel). */
  nchw(v: Value): Value {
    if (v.nchw) return v;
    if (v.shape.length !== 3) throw new Error(`an image value needs 3 dimensions, got [${v.shape.join(', ')}]`);
    const [h, w, c] = v.shape;
    const name =
      c === 1 || h * w === 1
        ? this.g.op('Reshape', [v.name, this.g.int64s('shape', [-1, c, h, w])])
        : this.g.op('Transpose', [v.name], [attr.ints('perm', [0, 3, 1, 2])]);
    return { name, shape: v.shape, nchw: true };
  }

  /** The value in tfjs's element order (channels-last). */
  plain(v: Value): Value {
    if (!v.nchw) return v;
    const [h, w, c] = v.shape;
    const name =
      c === 1 || h * w === 1
        ? this.g.op('Reshape', [v.name, this.g.int64s('shape', [-1, h, w, c])])
        : this.g.op('Transpose', [v.name], [attr.ints('perm', [0, 2, 3, 1])]);
    return { name, shape: v.shape, nchw: false };
  }

  reshape(v: Value, shape: number[]): Value {
    const p = this.plain(v);
    return { name: this.g.op('Reshape', [p.name, this.g.int64s('shape', [-1, ...shape])]), shape, nchw: false };
  }

  /** `act` applied to `v` (softmax over tfjs's last axis, so an image is turned back channels-last first). */
  activation(l: Layer, v: Value, act: unknown): Value {
    const op = (type: string, attrs: ReturnType<typeof attr.int>[] = []) => ({
      ...v,
      name: this.g.op(type, [v.name], attrs),
    });
    switch (act ?? 'linear') {
      case 'linear':
        return v;
      case 'relu':
        return op('Relu');
      case 'sigmoid':
        return op('Sigmoid');
      case 'tanh':
        return op('Tanh');
      case 'elu':
        return op('Elu', [attr.float('alpha', 1)]);
      case 'hardSigmoid':
        return op('HardSigmoid', [attr.float('alpha', 0.2), attr.float('beta', 0.5)]);
      case 'softmax': {
        const p = this.plain(v);
        return { ...p, name: this.g.op('Softmax', [p.name], [attr.int('axis', -1)]) };
      }
      default:
        throw unsupported(l, `activation ${String(act)}`);
    }
  }

  /** Conv2D, with the following batch norm (if any) folded into its weights. */
  conv(l: Layer, norm: Layer | null, x: Value): Value {
    const c = l.getConfig() as Config;
    if (c.dataFormat === 'channelsFirst') throw unsupported(l, 'channels-first data');
    const [kernel, convBias] = weightsOf(l);
    const [kh, kw, cin, cout] = l.getWeights()[0].shape;
    let scale: Float32Array | null = null;
    let bias = convBias ?? new Float32Array(cout);
    if (norm) {
      const bn = batchNormAffine(norm, cout);
      scale = bn.scale;
      bias = Float32Array.from(bn.shift, (s, k) => s + (convBias?.[k] ?? 0) * bn.scale[k]);
    }
    // tfjs [kh, kw, in, out] -> ONNX [out, in, kh, kw]
    const w = new Float32Array(kernel.length);
    for (let y = 0; y < kh; y++)
      for (let x0 = 0; x0 < kw; x0++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout; o++) {
            w[((o * cin + i) * kh + y) * kw + x0] =
              kernel[((y * kw + x0) * cin + i) * cout + o] * (scale ? scale[o] : 1);
          }
    const v = this.nchw(x);
    const strides = pair(c.strides);
    const dilations = pair(c.dilationRate);
    const pads = padsFor(c.padding, v.shape, [kh, kw], strides, dilations);
    const name = this.g.op(
      'Conv',
      [v.name, this.g.floats('W', w, [cout, cin, kh, kw]), this.g.floats('B', bias, [cout])],
      [
        attr.ints('kernel_shape', [kh, kw]),
        attr.ints('strides', strides),
        attr.ints('dilations', dilations),
        attr.ints('pads', pads),
      ],
    );
    return this.activation(l, { name, shape: outShape(norm ?? l), nchw: true }, c.activation);
  }

  batchNorm(l: Layer, x: Value): Value {
    const c = l.getConfig() as Config;
    const rank = x.shape.length;
    if (c.axis !== -1 && c.axis !== rank) throw unsupported(l, `normalisation over axis ${String(c.axis)}`);
    const ch = x.shape[rank - 1];
    const { scale, shift } = batchNormAffine(l, ch);
    const dims = x.nchw ? [ch, 1, 1] : [ch];
    const y = this.g.op('Mul', [x.name, this.g.floats('bn_scale', scale, dims)]);
    return { name: this.g.op('Add', [y, this.g.floats('bn_shift', shift, dims)]), shape: x.shape, nchw: x.nchw };
  }

  pool(l: Layer, x: Value, op: 'MaxPool' | 'AveragePool'): Value {
    const c = l.getConfig() as Config;
    if (c.dataFormat === 'channelsFirst') throw unsupported(l, 'channels-first data');
    const v = this.nchw(x);
    const kernel = pair(c.poolSize);
    const strides = pair(c.strides ?? c.poolSize);
    const pads = padsFor(c.padding, v.shape, kernel, strides, [1, 1]);
    // tfjs averages over the window's pixels inside the image only (count_include_pad 0, ONNX's default).
    const name = this.g.op(
      op,
      [v.name],
      [attr.ints('kernel_shape', kernel), attr.ints('strides', strides), attr.ints('pads', pads)],
    );
    return { name, shape: outShape(l), nchw: true };
  }

  dense(l: Layer, x: Value): Value {
    const c = l.getConfig() as Config;
    const [kernel, bias] = weightsOf(l);
    const [fin, units] = l.getWeights()[0].shape;
    const v = this.plain(x);
    const w = this.g.floats('dense_W', kernel, [fin, units]);
    const b = bias ? this.g.floats('dense_B', bias, [units]) : null;
    let name =
      v.shape.length === 1 ? this.g.op('Gemm', b ? [v.name, w, b] : [v.name, w]) : this.g.op('MatMul', [v.name, w]);
    if (v.shape.length > 1 && b) name = this.g.op('Add', [name, b]);
    return this.activation(l, { name, shape: outShape(l), nchw: false }, c.activation);
  }

  /** LSTM or Bidirectional(LSTM) over [steps, features]. */
  lstm(l: Layer, x: Value): Value {
    const bidi = l.getClassName() === 'Bidirectional';
    const outer = l.getConfig() as Config;
    const inner = bidi ? (outer.layer as { className: string; config: Config }) : { className: 'LSTM', config: outer };
    if (inner.className !== 'LSTM') throw unsupported(l, `recurrent layer ${inner.className}`);
    const c = inner.config;
    if (bidi && outer.mergeMode !== 'concat') throw unsupported(l, `merge mode ${String(outer.mergeMode)}`);
    if (c.goBackwards || c.stateful || c.returnState) throw unsupported(l, 'go_backwards, stateful or return_state');
    const units = Number(c.units);
    const v = this.plain(x);
    if (v.shape.length !== 2) throw unsupported(l, `input of shape [${v.shape.join(', ')}]`);
    const [steps, features] = v.shape;
    const ws = weightsOf(l);
    const dirs = bidi ? 2 : 1;
    const perDir = c.useBias === false ? 2 : 3;
    const W = new Float32Array(dirs * 4 * units * features);
    const R = new Float32Array(dirs * 4 * units * units);
    const B = new Float32Array(dirs * 8 * units);
    for (let d = 0; d < dirs; d++) {
      const [kernel, recurrent, bias] = ws.slice(d * perDir, (d + 1) * perDir);
      lstmGates(kernel, features, units, W.subarray(d * 4 * units * features));
      lstmGates(recurrent, units, units, R.subarray(d * 4 * units * units));
      if (bias) lstmGates(bias, 1, units, B.subarray(d * 8 * units));
    }
    const names: Record<string, string> = {
      sigmoid: 'Sigmoid',
      hardSigmoid: 'HardSigmoid',
      tanh: 'Tanh',
      relu: 'Relu',
    };
    const gate = names[String(c.recurrentActivation ?? 'hardSigmoid')];
    const act = names[String(c.activation ?? 'tanh')];
    if (!gate || !act) throw unsupported(l, `activations ${String(c.activation)} / ${String(c.recurrentActivation)}`);
    const seqFirst = this.g.op('Transpose', [v.name], [attr.ints('perm', [1, 0, 2])]);
    const [Y, Yh] = this.g.node(
      'LSTM',
      [
        seqFirst,
        this.g.floats('lstm_W', W, [dirs, 4 * units, features]),
        this.g.floats('lstm_R', R, [dirs, 4 * units, units]),
        this.g.floats('lstm_B', B, [dirs, 8 * units]),
      ],
      [
        attr.int('hidden_size', units),
        attr.string('direction', bidi ? 'bidirectional' : 'forward'),
        attr.strings('activations', Array.from({ length: dirs }, () => [gate, act, act]).flat()),
      ],
      2,
    );
    if (c.returnSequences) {
      // Y: [steps, dirs, N, units] -> [N, steps, dirs * units]; the backward direction's outputs are
      // already in input order, as tfjs's Bidirectional puts them before concatenating.
      const t = this.g.op('Transpose', [Y], [attr.ints('perm', [2, 0, 1, 3])]);
      return {
        name: this.g.op('Reshape', [t, this.g.int64s('shape', [-1, steps, dirs * units])]),
        shape: [steps, dirs * units],
        nchw: false,
      };
    }
    // Y_h: [dirs, N, units] -> [N, dirs * units] (forward then backward, tfjs's concat order).
    const t = dirs === 1 ? Yh : this.g.op('Transpose', [Yh], [attr.ints('perm', [1, 0, 2])]);
    return {
      name: this.g.op('Reshape', [t, this.g.int64s('shape', [-1, dirs * units])]),
      shape: [dirs * units],
      nchw: false,
    };
  }
}

/** Keras gate order i, f, c, o ([rows, 4 * units], units fastest) -> ONNX's i, o, f, c as [4 * units, rows]. */
function lstmGates(src: Float32Array, rows: number, units: number, dst: Float32Array): void {
  const order = [0, 3, 1, 2]; // ONNX gate k is Keras gate order[k]
  for (let k = 0; k < 4; k++)
    for (let u = 0; u < units; u++)
      for (let r = 0; r < rows; r++) {
        dst[(k * units + u) * rows + r] = src[r * 4 * units + order[k] * units + u];
      }
}

/** A batch norm at inference as y = x * scale + shift per channel. */
function batchNormAffine(l: Layer, channels: number): { scale: Float32Array; shift: Float32Array } {
  const c = l.getConfig() as Config;
  // tfjs's order: gamma (with `scale`), beta (with `center`), moving mean, moving variance.
  const ws = weightsOf(l);
  const gamma = c.scale === false ? null : ws.shift()!;
  const beta = c.center === false ? null : ws.shift()!;
  const [mean, variance] = ws;
  const eps = Number(c.epsilon ?? 1e-3);
  const scale = Float32Array.from(
    { length: channels },
    (_, k) => (gamma ? gamma[k] : 1) / Math.sqrt(variance[k] + eps),
  );
  const shift = Float32Array.from({ length: channels }, (_, k) => (beta ? beta[k] : 0) - mean[k] * scale[k]);
  return { scale, shift };
}

/** ONNX pads [top, left, bottom, right] for tfjs's 'same' (extra row/column at the end, as TensorFlow) or 'valid'. */
function padsFor(
  padding: unknown,
  shape: number[],
  kernel: number[],
  strides: number[],
  dilations: number[],
): number[] {
  if (padding !== 'same') return [0, 0, 0, 0];
  const [h, w] = shape;
  const total = [h, w].map((n, i) =>
    Math.max((Math.ceil(n / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - n, 0),
  );
  return [
    Math.floor(total[0] / 2),
    Math.floor(total[1] / 2),
    total[0] - Math.floor(total[0] / 2),
    total[1] - Math.floor(total[1] / 2),
  ];
}

const foldable = (l: Layer, next: Layer | undefined): boolean => {
  if (next?.getClassName() !== 'BatchNormalization') return false;
  const c = l.getConfig() as Config;
  const nc = next.getConfig() as Config;
  return (c.activation ?? 'linear') === 'linear' && (nc.axis === -1 || nc.axis === 3);
};

/** The ONNX model (bytes) of a tfjs Sequential model. Throws a FerError naming the first layer it cannot express. */
export function exportToOnnx(model: tf.LayersModel, opts: ExportOptions = {}): Uint8Array {
  if (model.getClassName() !== 'Sequential')
    throw new FerError('only Sequential models can be exported to ONNX', { kind: 'bad-input' });
  const e = new Exporter();
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  let x: Value = { name: ONNX_INPUT, shape: inputShape, nchw: false };
  const layers = model.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    const c = l.getConfig() as Config;
    switch (l.getClassName()) {
      case 'Dropout':
        break; // the identity at inference
      case 'Conv2D': {
        const norm = foldable(l, layers[i + 1]) ? layers[++i] : null;
        x = e.conv(l, norm, x);
        break;
      }
      case 'BatchNormalization':
        x = e.batchNorm(l, x);
        break;
      case 'Activation':
        x = e.activation(l, x, c.activation);
        break;
      case 'MaxPooling2D':
        x = e.pool(l, x, 'MaxPool');
        break;
      case 'AveragePooling2D':
        x = e.pool(l, x, 'AveragePool');
        break;
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const v = e.nchw(x);
        const pooled = e.g.op(l.getClassName() === 'GlobalMaxPooling2D' ? 'GlobalMaxPool' : 'GlobalAveragePool', [
          v.name,
        ]);
        x = { name: e.g.op('Flatten', [pooled], [attr.int('axis', 1)]), shape: outShape(l), nchw: false };
        break;
      }
      case 'Flatten':
        x = e.reshape(x, [prod(x.shape)]);
        break;
      case 'Reshape':
        x = e.reshape(x, outShape(l));
        break;
      case 'Permute': {
        const p = e.plain(x);
        x = {
          name: e.g.op('Transpose', [p.name], [attr.ints('perm', [0, ...(c.dims as number[])])]),
          shape: outShape(l),
          nchw: false,
        };
        break;
      }
      case 'Dense':
        x = e.dense(l, x);
        break;
      case 'LSTM':
      case 'Bidirectional':
        x = e.lstm(l, x);
        break;
      default:
        throw unsupported(l, 'no ONNX translation for this layer kind');
    }
  }
  const out = e.plain(x);
  return e.g.finish({
    graphName: model.name,
    inputName: ONNX_INPUT,
    inputDims: inputShape,
    last: out.name,
    outputName: ONNX_OUTPUT,
    outputDims: out.shape,
    metadata: opts.metadata ?? {},
  });
}
