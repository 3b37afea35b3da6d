/**
 * Picks the fastest TensorFlow.js backend that loads here:
 * tfjs-node (native TensorFlow, optional dependency) when it installed,
 * else wasm with the project's training kernels. The pure-JS cpu backend is only
 * used when asked for explicitly (tiny unit tests): it trains at < 1 img/s.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './wasm-grad-kernels.ts';
import { registerWasmMatMul } from './wasm-matmul.ts';
import { registerBatchNormGrad } from './batch-norm-grad.ts';
import { registerWasmMaxPoolGrad } from './wasm-max-pool-grad.ts';
import { registerWasmMean } from './wasm-mean.ts';
import { registerWasmReverse } from './wasm-reverse.ts';
import { registerWasmSlice } from './wasm-slice.ts';
import { registerWasmUnpack } from './wasm-unpack.ts';
import { patchBatchNormLayer, registerWasmBatchNormTrain } from './wasm-batch-norm-train.ts';
import { registerWasmIdentity } from './wasm-identity.ts';
import { patchConv2DLayer } from './wasm-conv-layer.ts';
import { registerWasmSimdConv } from './wasm-simd-conv.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

let current: Promise<BackendName> | null = null;

function tryLoadTfjsNode(): boolean {
  try {
    // A native addon: require() is the only way in, and failure is expected
    // wherever its install script could not download libtensorflow.
    createRequire(import.meta.url)('@tensorflow/tfjs-node');
    return tf.findBackend('tensorflow') !== null || tf.engine().registryFactory.tensorflow !== undefined;
  } catch {
    return false;
  }
}

async function select(choice: BackendChoice): Promise<BackendName> {
  registerBatchNormGrad();
  if ((choice === 'auto' || choice === 'tensorflow') && tryLoadTfjsNode() && (await tf.setBackend('tensorflow'))) {
    return 'tensorflow';
  }
  if (choice === 'tensorflow') throw new Error('@tensorflow/tfjs-node is not installed or failed to load');
  if (choice === 'cpu') {
    await tf.setBackend('cpu');
    return 'cpu';
  }
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  registerWasmMatMul();
  registerWasmMean();
  registerWasmMaxPoolGrad();
  registerWasmReverse();
  registerWasmSlice();
  registerWasmUnpack();
  registerWasmBatchNormTrain();
  registerWasmIdentity();
  registerWasmSimdConv(); // relaxed-SIMD convolutions (bench/train.ts --ab simd-conv)
  patchBatchNormLayer();
  (await import('./wasm-lstm.ts')).registerWasmLstm(); // fused LSTM layer pass (bench/train.ts --ab lstm)
  patchConv2DLayer();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  return 'wasm';
}

/** Initialises the backend once per thread (the shell passes RuntimeOptions.backend first); later calls return the same choice. */
export function initBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  current ??= select(choice);
  return current;
}

export { tf };
