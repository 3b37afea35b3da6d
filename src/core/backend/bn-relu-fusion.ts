/**
 * Fuses the Activation('relu') that follows a BatchNormalization layer into the training batch
 * norm's kernels (wasm-batch-norm-train.ts), without changing the model: the layers, their
 * order, the saved topology and inference stay stock. In a training step the batch norm writes
 * max(0, bn(x)) and masks dy itself, and the activation layer hands that tensor on, so the Relu
 * kernel, its Step + Cast + Multiply gradient and the copies tfjs makes for them disappear
 * (bench/train.ts --ab bn-relu measures what that buys).
 *
 * When a batch norm fuses: training mode, inside a model's call (the executor is running the
 * graph), the layer applied once, its only consumer an Activation('relu') layer, and its output
 * not one of the running model's outputs, so that activation is certain to run next on it.
 * The activation passes a tensor through only if this module marked it as already rectified,
 * so a wrong guess on the batch-norm side can never drop a ReLU. Anything else runs stock.
 * The patches are on the prototypes, so models built from topology JSON (gradient workers) fuse too.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-composite.ts';

const ALIAS = 'FerAlias';

/** The tfjs-layers internals read here (Layer and Node are not exported as types). */
interface LayerNode {
  outboundLayer: FusableLayer;
  outputTensors: { id: number }[];
}
interface FusableLayer {
  inboundNodes: LayerNode[];
  outboundNodes: LayerNode[];
  getClassName(): string;
  activation?: { getClassName(): string };
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}
interface RunningModel {
  layers: unknown[];
  outputs: { id: number }[];
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

let fuse = true;

/** Switches the fusion on this thread (bench/train.ts --ab bn-relu); on by default. */
export function setBatchNormReluFused(on: boolean): void {
  fuse = on;
}

/** Models whose call is running, innermost last. */
const running: RunningModel[] = [];
/** Batch-norm outputs that already went through the ReLU. */
const rectified = new WeakSet<tf.Tensor>();

/** Whether this training-mode batch norm layer may apply the ReLU of the activation layer after it. */
export function reluFollows(layer: unknown): boolean {
  const bn = layer as FusableLayer;
  const model = running[running.length - 1];
  if (!fuse || !model || bn.inboundNodes.length !== 1 || bn.outboundNodes.length !== 1) return false;
  const next = bn.outboundNodes[0].outboundLayer;
  if (next.getClassName() !== 'Activation' || next.activation?.getClassName() !== 'relu') return false;
  if (!model.layers.includes(bn) || !model.layers.includes(next)) return false;
  const out = bn.inboundNodes[0].outputTensors[0];
  return !model.outputs.some((o) => o.id === out.id);
}

/** Records that `y` is already rectified, for the activation layer that follows. */
export function markRectified(y: tf.Tensor): void {
  rectified.add(y);
}

/** The same data as a new tensor, with an identity gradient and nothing saved (tfjs would copy a returned input). */
function alias(args: KernelArgs): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  (args.backend as unknown as { incRef(id: unknown): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let patched = false;

/** Registers the alias kernel on wasm and patches the model and activation layer prototypes; idempotent. */
export function patchBatchNormReluFusion(): void {
  if (patched) return;
  patched = true;
  tf.registerKernel({ kernelName: ALIAS, backendName: 'wasm', kernelFunc: alias as unknown as KernelFunc });
  tf.registerGradient({ kernelName: ALIAS, gradFunc: (dy) => ({ x: () => dy as tf.Tensor }) });

  const modelProto = tf.LayersModel.prototype as unknown as RunningModel;
  const stockModelCall = modelProto.call;
  modelProto.call = function trackedCall(this: RunningModel, inputs, kwargs) {
    running.push(this);
    try {
      return stockModelCall.call(this, inputs, kwargs);
    } finally {
      running.pop();
    }
  };

  const activationProto = Object.getPrototypeOf(tf.layers.activation({ activation: 'relu' })) as FusableLayer;
  const stockActivationCall = activationProto.call;
  activationProto.call = function passRectified(this: FusableLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
    if (x && rectified.has(x) && this.activation?.getClassName() === 'relu') {
      return tf.engine().runKernel(ALIAS, { x }) as tf.Tensor;
    }
    return stockActivationCall.call(this, inputs, kwargs);
  };
}
