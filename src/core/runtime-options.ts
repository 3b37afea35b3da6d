/**
 * What a process runs with, chosen by its shell, never read from the environment
 * here: each shell's main (src/cli/main.ts, src/server/main.ts, src/electron/main.ts)
 * builds one RuntimeOptions from its flags and environment (src/app/runtime-env.ts)
 * and passes it down; worker threads get it from their parent.
 */
import type { BackendChoice } from './backend/init-backend.ts';
import { setModelsDir } from './face/models-dir.ts';
import { setOpenCvEcho } from './face/opencv.ts';
import { configureOnnxInference } from './onnx/inference-config.ts';

export interface RuntimeOptions {
  /** The TensorFlow.js backend; 'auto' takes tfjs-node when it loads, else wasm. */
  backend: BackendChoice;
  /** Gradient threads for a training that does not say; null: the backend's default (train-pipeline.ts). */
  trainThreads: number | null;
  /**
   * Threads for prediction and evaluation: 2 starts helper threads (Haar levels, the
   * second model, half an evaluation's images) in long-lived processes; 1 uses none.
   */
  predictThreads: number;
  /** The folder holding the Haar cascade files; null: models/haar of this install (face/models-dir.ts). */
  detectorDir: string | null;
  /** Echo opencv.js's console output on stderr (it is kept silent otherwise). */
  debug: boolean;
  /** The classifiers' runtime: 'auto' runs them on ONNX Runtime where it loads (onnx/), 'tfjs' never does. */
  inference: 'auto' | 'tfjs';
}

/** Every backend a user may ask for (FER_BACKEND); kept here so shells can check it without loading TensorFlow.js. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const satisfies readonly BackendChoice[];

export const DEFAULT_RUNTIME: Readonly<RuntimeOptions> = {
  backend: 'auto',
  trainThreads: null,
  predictThreads: 1,
  detectorDir: null,
  debug: false,
  inference: 'auto',
};

/**
 * The parts of the options this thread's modules keep for themselves (where the Haar
 * cascades are, whether opencv.js may print): called once by each process or worker
 * entry with the options its shell or parent handed it. Backend and threads are
 * passed to the calls that use them instead.
 */
export function applyRuntimeOptions(o: Pick<RuntimeOptions, 'detectorDir' | 'debug' | 'inference'>): void {
  setModelsDir(o.detectorDir ?? undefined);
  setOpenCvEcho(o.debug);
  configureOnnxInference({ allow: o.inference === 'tfjs' ? [] : undefined });
}
