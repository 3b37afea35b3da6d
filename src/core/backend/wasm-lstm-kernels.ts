/**
 * The two per-timestep kernels of the fused LSTM (wasm-lstm.ts), as JavaScript
 * loops on the wasm heap: the forward gate math (bias, activations, cell and
 * output) and its backward pass, one kernel each per step instead of the
 * ~30 small ops tfjs-layers' LSTMCell dispatches per step (bench/train.ts --ab lstm
 * compares the two in one run).
 *
 * Gate order is Keras's, i, f, c, o, each a block of H columns of the 4H-wide
 * pre-activation z. The recurrent activation is sigmoid or tfjs's hardSigmoid
 * (0.2 z + 0.5 clipped to [0, 1]); the cell activation is tanh. The hardSigmoid
 * gradient is 0.2 strictly inside (0, 1), read from the activated gate; tfjs's clipByValue
 * also passes it where 0.2 z + 0.5 is exactly 0 or 1, which random inputs do not hit.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { attr, type KernelArgs } from './wasm-composite.ts';
import type { WasmHeapBackend } from './wasm-heap.ts';

export const LSTM_STEP = 'FerLstmStep';
export const LSTM_STEP_GRAD = 'FerLstmStepGrad';

const act = (v: number, hard: boolean): number => {
  if (!hard) return 1 / (1 + Math.exp(-v));
  const y = 0.2 * v + 0.5;
  return y < 0 ? 0 : y > 1 ? 1 : y;
};
/** tanh through one exp: V8's Math.tanh is slower than its Math.exp (measured by a scratch loop over 1e6 floats). */
const tanh = (v: number): number => 1 - 2 / (1 + Math.exp(2 * v));
const actGrad = (a: number, hard: boolean): number => (hard ? (a > 0 && a < 1 ? 0.2 : 0) : a * (1 - a));

/**
 * One forward step for batch rows n = 0..B-1. z holds x.W for the whole sequence,
 * batch-major ([B*T, 4H], row n*T + t); r = h_{t-1}.U ([B, 4H]) and cPrev are null
 * at the first step (zero state). Writes the activated gates, c_t and h_t.
 */
export function lstmStepForward(
  z: Float32Array,
  t: number,
  steps: number,
  r: Float32Array | null,
  b: Float32Array,
  cPrev: Float32Array | null,
  hard: boolean,
  gates: Float32Array,
  c: Float32Array,
  h: Float32Array,
): void {
  const g4 = b.length;
  const H = g4 / 4;
  const B = h.length / H;
  for (let n = 0; n < B; n++) {
    const zo = (n * steps + t) * g4;
    const go = n * g4;
    const so = n * H;
    for (let k = 0; k < g4; k++) gates[go + k] = z[zo + k] + b[k] + (r ? r[go + k] : 0);
    for (let k = 0; k < H; k++) {
      const i = act(gates[go + k], hard);
      const f = act(gates[go + H + k], hard);
      const g = tanh(gates[go + 2 * H + k]);
      const o = act(gates[go + 3 * H + k], hard);
      const cc = (cPrev ? f * cPrev[so + k] : 0) + i * g;
      gates[go + k] = i;
      gates[go + H + k] = f;
      gates[go + 2 * H + k] = g;
      gates[go + 3 * H + k] = o;
      c[so + k] = cc;
      h[so + k] = o * tanh(cc);
    }
  }
}

/**
 * One backward step: from dL/dh_t (dh), dL/dc_t from the later step (dc, null at
 * the last step), the step's activated gates, c_t and c_{t-1} (null at the first
 * step), for H units, writes dL/dz_t (dz, [B, 4H], pre-activation) and dL/dc_{t-1} (dcPrev).
 */
export function lstmStepBackward(
  dh: Float32Array,
  dc: Float32Array | null,
  gates: Float32Array,
  c: Float32Array,
  cPrev: Float32Array | null,
  H: number,
  hard: boolean,
  dz: Float32Array,
  dcPrev: Float32Array,
): void {
  const g4 = 4 * H;
  const B = c.length / H;
  for (let n = 0; n < B; n++) {
    const go = n * g4;
    const so = n * H;
    for (let k = 0; k < H; k++) {
      const i = gates[go + k];
      const f = gates[go + H + k];
      const g = gates[go + 2 * H + k];
      const o = gates[go + 3 * H + k];
      const tc = tanh(c[so + k]);
      const d = dh[so + k];
      const dcv = (dc ? dc[so + k] : 0) + d * o * (1 - tc * tc);
      dz[go + k] = dcv * g * actGrad(i, hard);
      dz[go + H + k] = (cPrev ? dcv * cPrev[so + k] : 0) * actGrad(f, hard);
      dz[go + 2 * H + k] = dcv * i * (1 - g * g);
      dz[go + 3 * H + k] = d * tc * actGrad(o, hard);
      dcPrev[so + k] = dcv * f;
    }
  }
}

type Backend = WasmHeapBackend;

/** inputs z, b and (after the first step) r, cPrev; attrs t, steps, hard -> [gates, c, h]. */
function stepKernel(args: KernelArgs): TensorInfo[] {
  const backend = args.backend as Backend;
  const { z, r, b, cPrev } = args.inputs as Record<string, TensorInfo | undefined>;
  const g4 = b!.shape[0];
  const B = z!.shape[0] / attr<number>(args.attrs, 'steps');
  // Allocate every output before taking any view: allocation can grow (and detach) the heap.
  const outs = [
    backend.makeOutput([B, g4], 'float32'),
    backend.makeOutput([B, g4 / 4], 'float32'),
    backend.makeOutput([B, g4 / 4], 'float32'),
  ];
  const [gates, c, h] = outs.map((o) => backend.typedArrayFromHeap(o));
  const v = (t: TensorInfo | undefined) => (t ? backend.typedArrayFromHeap(t) : null);
  lstmStepForward(
    v(z)!,
    attr<number>(args.attrs, 't'),
    attr<number>(args.attrs, 'steps'),
    v(r),
    v(b)!,
    v(cPrev),
    attr<boolean>(args.attrs, 'hard'),
    gates,
    c,
    h,
  );
  return outs;
}

/** inputs dh, gates, c and optionally dc, cPrev; attr hard -> [dz, dcPrev]. */
function stepGradKernel(args: KernelArgs): TensorInfo[] {
  const backend = args.backend as Backend;
  const { dh, dc, gates, c, cPrev } = args.inputs as Record<string, TensorInfo | undefined>;
  const outs = [backend.makeOutput(gates!.shape, 'float32'), backend.makeOutput(c!.shape, 'float32')];
  const [dz, dcPrev] = outs.map((o) => backend.typedArrayFromHeap(o));
  const v = (t: TensorInfo | undefined) => (t ? backend.typedArrayFromHeap(t) : null);
  lstmStepBackward(
    v(dh)!,
    v(dc),
    v(gates)!,
    v(c)!,
    v(cPrev),
    c!.shape[1],
    attr<boolean>(args.attrs, 'hard'),
    dz,
    dcPrev,
  );
  return outs;
}

let registered = false;

/** Registers both step kernels on wasm; idempotent. */
export function registerWasmLstmKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: LSTM_STEP, backendName: 'wasm', kernelFunc: stepKernel as unknown as KernelFunc });
  tf.registerKernel({
    kernelName: LSTM_STEP_GRAD,
    backendName: 'wasm',
    kernelFunc: stepGradKernel as unknown as KernelFunc,
  });
}
