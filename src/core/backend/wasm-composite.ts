/**
 * Shared plumbing for kernels FER Studio registers on the wasm backend as a
 * composition of ordinary tfjs ops (which themselves run on fast wasm kernels).
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

interface WasmLikeBackend {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: 'float32', offset?: number, values?: Float32Array): TensorInfo;
}
export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: unknown;
  attrs?: NamedAttrMap;
}

/** Runs `compute` on tensors that wrap the kernel's inputs, and copies the result into backend-owned storage. */
export function runComposite<T extends tf.Tensor = tf.Tensor4D>(
  args: KernelArgs,
  names: string[],
  compute: (ts: T[]) => tf.Tensor,
): TensorInfo {
  const backend = args.backend as WasmLikeBackend;
  const wrapped = names.map((n) => {
    const info = args.inputs[n] as TensorInfo;
    // The wrapper is disposed below; the extra reference keeps the input alive.
    backend.incRef(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info) as T;
  });
  try {
    const result = compute(wrapped);
    const values = result.dataSync() as Float32Array;
    const out = backend.makeOutput(result.shape.slice(), 'float32', undefined, values);
    result.dispose();
    return out;
  } finally {
    wrapped.forEach((t) => t.dispose());
  }
}

export function attr<T>(attrs: NamedAttrMap | undefined, name: string): T {
  return (attrs ?? {})[name] as unknown as T;
}
