/** Shared by the ONNX tests: tfjs reference outputs, ONNX Runtime outputs, weights far from their initial values, tiny trainings. */
import * as tf from '@tensorflow/tfjs';
import { featureSource, imageSource } from '../../../src/core/input/batch-source.ts';
import { trainModel, type TrainResult } from '../../../src/core/train/trainer.ts';
import { exportToOnnx } from '../../../src/core/onnx/export-model.ts';
import { loadOrt } from '../../../src/core/onnx/ort-runtime.ts';
import type { ModelKind } from '../../../src/core/models/types.ts';

export const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

/** tfjs's own outputs (model.predict, no folding) for x = [n, ...inputShape]. */
export function tfjsProbs(model: tf.LayersModel, x: Float32Array, shape: number[]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync() as Float32Array);
}

/** The exported graph's outputs on native ONNX Runtime. */
export async function onnxProbs(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const rt = await loadOrt({ allow: ['onnxruntime-node'] });
  if (!rt) throw new Error('onnxruntime-node does not load here');
  const session = await rt.ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new rt.ort.Tensor('float32', x, shape) });
    return out.probs.data as Float32Array;
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Largest difference between tfjs and the ONNX export on `x`. */
export async function exportDiff(model: tf.LayersModel, x: Float32Array, n: number): Promise<number> {
  const shape = [n, ...(model.inputs[0].shape.slice(1) as number[])];
  return maxAbsDiff(tfjsProbs(model, x, shape), await onnxProbs(exportToOnnx(model), x, shape));
}

/** Every weight random (batch-norm variances positive), so a wrong transposition, gate order or fold shows. */
export function randomiseWeights(model: tf.LayersModel, seed: number): void {
  tf.tidy(() => {
    let s = seed;
    for (const l of model.layers) {
      const ws = l.getWeights();
      if (!ws.length) continue;
      const bn = l.getClassName() === 'BatchNormalization';
      l.setWeights(
        ws.map((w, i) =>
          bn && i === ws.length - 1
            ? tf.randomUniform(w.shape, 0.2, 3, 'float32', s++)
            : tf.randomNormal(w.shape, 0, 0.5, 'float32', s++),
        ),
      );
    }
  });
}

export function randomInput(n: number, shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform([n, ...shape], 0, 1, 'float32', seed).dataSync() as Float32Array);
}

/** One epoch of the app's trainer on `n` examples (real faces for image models, random features otherwise). */
export async function trainTiny(o: {
  build: () => tf.LayersModel;
  kind: ModelKind;
  inputShape: number[];
  faces?: Uint8Array;
  outDir?: string;
  seed?: number;
}): Promise<TrainResult> {
  const n = 48; // the size of the shipped-faces fixture
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 7);
  const width = o.inputShape.reduce((a, b) => a * b, 1);
  const train = o.faces
    ? imageSource(o.faces.subarray(0, n * 2304), labels, 48)
    : featureSource(randomInput(n, [width], o.seed ?? 1), labels, width);
  return trainModel({
    build: o.build,
    inputShape: o.inputShape,
    train,
    validation: train,
    config: {
      epochs: 1,
      batchSize: 32,
      learningRate: 3e-3,
      schedule: 'cosine',
      seed: o.seed ?? 1,
      labelSmoothing: 0,
      classWeights: false,
      loss: 'categorical',
    },
    meta: {
      kind: o.kind,
      classes: CLASSES,
      preprocessing: { size: 48, channels: 1, scale: 1 / 255, pca: null },
      options: {},
      backend: 'wasm',
    },
    outDir: o.outDir,
  });
}
