/**
 * A tfjs classifier's forward pass on ONNX Runtime: one inference session per
 * model, made from its ONNX export (onnx-cache.ts) and kept for the model's
 * life. It is remade when the model's weights change (training assigns new
 * variables, so their data ids change, as folded-forward.ts tracks) or the
 * runtime settings do, and released with the model's dispose().
 *
 * null means "use tfjs": no runtime loads here, or the model has a layer the
 * exporter cannot express, or the runtime refused the graph.
 */
import type * as tf from '@tensorflow/tfjs';
import type { InferenceSession } from 'onnxruntime-common';
import { ONNX_INPUT, ONNX_OUTPUT } from './export-model.ts';
import { classifierRuntime, onnxInferenceConfig } from './inference-config.ts';
import { dropCachedOnnx, onnxModelBytes } from './onnx-cache.ts';
import type { OrtRuntime, OrtRuntimeName } from './ort-runtime.ts';

export interface OnnxClassifier {
  runtime: OrtRuntimeName;
  /** Where the graph came from (onnx-cache.ts): the folder's cache, a fresh export written there, or memory only. */
  from: 'cache' | 'written' | 'memory';
  /** Softmax outputs [n x classes] for `x` = [n, ...inputShape], row-major. */
  run(x: Float32Array, n: number, inputShape: number[]): Promise<Float32Array>;
}

interface Entry {
  ids: object[];
  generation: number;
  classifier: Promise<OnnxClassifier | null>;
}

const entries = new WeakMap<tf.LayersModel, Entry>();
const sessions = new WeakMap<OnnxClassifier, InferenceSession>();

const idsOf = (model: tf.LayersModel): object[] => model.getWeights().map((w) => w.dataId);

function release(entry: Entry | undefined): void {
  entry?.classifier.then((c) => (c ? sessions.get(c)?.release() : undefined)).catch(() => undefined);
}

async function create(rt: OrtRuntime, model: tf.LayersModel, dir: string | null): Promise<OnnxClassifier | null> {
  const { threads, spinning } = onnxInferenceConfig();
  const options: InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  };
  let exported;
  try {
    exported = await onnxModelBytes(model, dir);
  } catch {
    return null; // a layer without an ONNX translation: tfjs runs it
  }
  let session: InferenceSession;
  try {
    session = await rt.ort.InferenceSession.create(exported.bytes, options);
  } catch (e) {
    if (exported.from !== 'cache' || !dir) return null;
    // A damaged cache file: export afresh (once).
    await dropCachedOnnx(dir, exported.key).catch(() => undefined);
    exported = await onnxModelBytes(model, dir, exported.key);
    session = await rt.ort.InferenceSession.create(exported.bytes, options).catch(() => {
      throw e;
    });
  }
  const classifier: OnnxClassifier = {
    runtime: rt.name,
    from: exported.from,
    run: async (x, n, inputShape) => {
      const out = await session.run({ [ONNX_INPUT]: new rt.ort.Tensor('float32', x, [n, ...inputShape]) });
      return out[ONNX_OUTPUT].data as Float32Array;
    },
  };
  sessions.set(classifier, session);
  return classifier;
}

/** The model's ONNX Runtime classifier, or null for the tfjs path. `dir`: the model's folder, where its export is cached (null: memory only). */
export async function onnxClassifierFor(model: tf.LayersModel, dir: string | null): Promise<OnnxClassifier | null> {
  const rt = await classifierRuntime();
  if (!rt) return null;
  const { generation } = onnxInferenceConfig();
  const ids = idsOf(model);
  let entry = entries.get(model);
  const fresh =
    entry &&
    entry.generation === generation &&
    entry.ids.length === ids.length &&
    entry.ids.every((id, i) => id === ids[i]);
  if (!fresh) {
    if (!entry) {
      const dispose = model.dispose.bind(model);
      model.dispose = () => {
        release(entries.get(model));
        entries.delete(model);
        return dispose();
      };
    }
    release(entry);
    entry = { ids, generation, classifier: create(rt, model, dir).catch(() => null) };
    entries.set(model, entry);
  }
  return entry!.classifier;
}

/** What classifies `model` here, for reports: the ONNX Runtime's name, or tfjs on `backend` when it falls back. */
export async function inferenceRuntimeName(
  model: tf.LayersModel,
  dir: string | null,
  backend: string,
): Promise<string> {
  return (await onnxClassifierFor(model, dir))?.runtime ?? `tfjs (${backend})`;
}
