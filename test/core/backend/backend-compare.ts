import * as tf from '@tensorflow/tfjs';

/** Runs `fn` on the wasm backend, then on the cpu reference, and leaves wasm active. */
export async function onWasmAndCpu<T>(fn: () => T): Promise<{ wasm: T; cpu: T }> {
  await tf.setBackend('wasm');
  const wasm = fn();
  await tf.setBackend('cpu');
  const cpu = fn();
  await tf.setBackend('wasm');
  return { wasm, cpu };
}

/** Largest |a - b| / (1 + |b|) over two equally long arrays. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

/** Applies `op` to a fresh tensor of `values`; returns the result's values and shape, and how many tensors it left behind. */
export function applyCounted(
  values: Float32Array,
  shape: number[],
  op: (x: tf.Tensor) => tf.Tensor,
): { values: number[]; shape: number[]; leaked: number } {
  const x = tf.tensor(values, shape);
  const before = tf.memory().numTensors;
  const r = op(x);
  const out = { values: Array.from(r.dataSync()), shape: r.shape };
  r.dispose();
  const leaked = tf.memory().numTensors - before;
  x.dispose();
  return { ...out, leaked };
}
