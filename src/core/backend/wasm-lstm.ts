/**
 * A fused LSTM layer pass for training on wasm. tfjs-layers runs an LSTM as
 * ~30 small ops per timestep (a [B, D] x [D, 4H] input product, a recurrent
 * product, splits, activations, adds, Identity copies) and records each on the
 * gradient tape. Here the whole sequence is one op with a custom gradient:
 *
 * forward:  Z = X.W for all timesteps at once (one XNNPACK product, X viewed as
 *           [B*T, D]); per step r = h_{t-1}.U and one gate kernel (wasm-lstm-kernels.ts).
 * backward: per step one gate-backward kernel and dh_{t-1} = dz_t.U^T; then
 *           dW = X^T.dZ, dU = Hprev^T.dZ, dX = dZ.W^T and db = sum(dZ) as
 *           whole-sequence products.
 *
 * goBackwards reads the timesteps last to first and returns the state after the
 * first timestep, as tfjs's rnn() with a reversed input does. Anything else the
 * stock layer supports (masks, initial state, dropout, returnSequences/State,
 * stateful, other activations, other backends) keeps the stock call.
 * bench/train.ts --ab lstm measures the two in alternating rounds.
 */
import * as tf from '@tensorflow/tfjs';
import { LSTM_STEP, LSTM_STEP_GRAD, registerWasmLstmKernels } from './wasm-lstm-kernels.ts';

export interface FusedLstmOptions {
  goBackwards: boolean;
  /** hardSigmoid instead of sigmoid as the recurrent activation. */
  hard: boolean;
}

type Named = Record<string, tf.Tensor>;
const run = (name: string, inputs: Named, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as never) as tf.Tensor[];

/** The gradients [dx, dW, dU, db] from dy = dL/dh_last and what the forward pass saved. */
function backward(dy: tf.Tensor, saved: tf.Tensor[], shape: number[], opts: FusedLstmOptions): tf.Tensor[] {
  const [B, T, D] = shape;
  const [x2, w, u] = saved;
  const gates = saved.slice(3, 3 + T);
  const cs = saved.slice(3 + T, 3 + 2 * T);
  const hs = saved.slice(3 + 2 * T);
  const H = u.shape[0];
  return tf.tidy(() => {
    const uT = tf.transpose(u);
    let dh = dy;
    let dc: tf.Tensor | null = null;
    const dzs: tf.Tensor[] = new Array<tf.Tensor>(T);
    for (let s = T - 1; s >= 0; s--) {
      const inputs: Named = { dh, gates: gates[s], c: cs[s] };
      if (dc) inputs.dc = dc;
      if (s > 0) inputs.cPrev = cs[s - 1];
      const [dz, dcPrev] = run(LSTM_STEP_GRAD, inputs, { hard: opts.hard });
      dzs[s] = dz;
      dc = dcPrev;
      if (s > 0) dh = tf.matMul(dz, uT);
    }
    // Back to batch-major rows n*T + t, the layout of X: processing step s reads timestep t.
    const step = (t: number) => (opts.goBackwards ? T - 1 - t : t);
    const times = Array.from({ length: T }, (_, t) => step(t));
    const dZ = tf.reshape(
      tf.stack(
        times.map((s) => dzs[s]),
        1,
      ),
      [B * T, 4 * H],
    );
    const zero = tf.zeros([B, H]);
    const hPrev = tf.reshape(
      tf.stack(
        times.map((s) => (s === 0 ? zero : hs[s - 1])),
        1,
      ),
      [B * T, H],
    );
    // Transposed explicitly: plain products are XNNPACK's, without wasm-matmul.ts's composite copy.
    return [
      tf.reshape(tf.matMul(dZ, tf.transpose(w)), [B, T, D]),
      tf.matMul(tf.transpose(x2), dZ),
      tf.matMul(tf.transpose(hPrev), dZ),
      tf.sum(dZ, 0),
    ];
  });
}

/**
 * The last output h of an LSTM (tanh cell activation, sigmoid or hardSigmoid gates, zero
 * initial state) over x [B, T, D] with kernel [D, 4H], recurrentKernel [H, 4H], bias [4H];
 * differentiable in all four. wasm only (its kernels live there).
 */
export function fusedLstm(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  opts: FusedLstmOptions,
): tf.Tensor2D {
  const [B, T, D] = x.shape;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, w, u, b] = args as tf.Tensor[];
    const save = args[4] as tf.GradSaveFunc;
    const x2 = tf.reshape(xi, [B * T, D]);
    const z = tf.matMul(x2, w);
    const gates: tf.Tensor[] = [];
    const cs: tf.Tensor[] = [];
    const hs: tf.Tensor[] = [];
    for (let s = 0; s < T; s++) {
      const inputs: Named = { z, b };
      if (s > 0) {
        inputs.r = tf.matMul(hs[s - 1], u);
        inputs.cPrev = cs[s - 1];
      }
      const t = opts.goBackwards ? T - 1 - s : s;
      const [g, c, h] = run(LSTM_STEP, inputs, { t, steps: T, hard: opts.hard });
      gates.push(g);
      cs.push(c);
      hs.push(h);
    }
    save([x2, w, u, ...gates, ...cs, ...hs.slice(0, T - 1)]);
    return {
      value: hs[T - 1],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved, [B, T, D], opts),
    };
  });
  return f(x, kernel, recurrentKernel, bias) as tf.Tensor2D;
}

/** The parts of tfjs-layers' LSTM (and its cell) this file reads; the classes are not exported as types. */
interface LstmLayer {
  goBackwards: boolean;
  returnSequences: boolean;
  returnState: boolean;
  stateful: boolean;
  cell: {
    useBias: boolean;
    dropout: number;
    recurrentDropout: number;
    activation: { getClassName(): string };
    recurrentActivation: { getClassName(): string };
    kernel: { read(): tf.Tensor };
    recurrentKernel: { read(): tf.Tensor };
    bias: { read(): tf.Tensor } | null;
  };
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

let fused = true;

/** Switches the fused LSTM on this thread (bench/train.ts --ab lstm); on by default. */
export function setLstmFused(on: boolean): void {
  fused = on;
}

/** Whether the fused pass computes exactly what the stock call would for this layer and input. */
function fusable(layer: LstmLayer, x: tf.Tensor | null, kwargs: Record<string, unknown> | undefined): boolean {
  const cell = layer.cell;
  const rec = cell.recurrentActivation.getClassName();
  return (
    fused &&
    tf.getBackend() === 'wasm' &&
    x !== null &&
    x.rank === 3 &&
    x.dtype === 'float32' &&
    (x.shape[1] ?? 0) > 0 &&
    kwargs?.mask == null &&
    kwargs?.initialState == null &&
    !layer.stateful &&
    !layer.returnSequences &&
    !layer.returnState &&
    cell.useBias &&
    cell.bias !== null &&
    cell.dropout === 0 &&
    cell.recurrentDropout === 0 &&
    cell.activation.getClassName() === 'tanh' &&
    (rec === 'sigmoid' || rec === 'hardSigmoid')
  );
}

let patched = false;

/** Registers the kernels and makes every LSTM layer use fusedLstm where it can (see the file comment); idempotent. */
export function registerWasmLstm(): void {
  registerWasmLstmKernels();
  if (patched) return;
  const classes = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [unknown, unknown]>;
  const lstmClass = classes.LSTM?.[0] as { prototype: LstmLayer } | undefined;
  if (!lstmClass) return;
  patched = true;
  const proto = lstmClass.prototype;
  const stock = proto.call;
  proto.call = function fusedCall(this: LstmLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
    if (!fusable(this, x, kwargs)) return stock.call(this, inputs, kwargs);
    const cell = this.cell;
    const hard = cell.recurrentActivation.getClassName() === 'hardSigmoid';
    return tf.tidy(() =>
      fusedLstm(
        x as tf.Tensor3D,
        cell.kernel.read() as tf.Tensor2D,
        cell.recurrentKernel.read() as tf.Tensor2D,
        cell.bias!.read() as tf.Tensor1D,
        { goBackwards: this.goBackwards, hard },
      ),
    );
  };
}
