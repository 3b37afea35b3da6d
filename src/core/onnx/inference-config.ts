/**
 * Which ONNX Runtime the classifiers may run on, with how many threads and
 * images per forward pass. Set once by a shell (its flags or environment);
 * core reads no environment. Without a runtime every caller keeps its tfjs path.
 *
 * Only the native runtime by default: onnxruntime-web's single wasm thread
 * classified the shipped CNN slower than tfjs-backend-wasm with folded
 * convolutions (issue 14's measurement), so where the native library is
 * missing (macOS x64) the tfjs path is the faster fallback.
 */
import { availableParallelism } from 'node:os';
import { loadOrt, type OrtRuntime, type OrtRuntimeName } from './ort-runtime.ts';

export interface OnnxInferenceOptions {
  /** Runtimes the classifiers may use, in order; [] means tfjs only. */
  allow?: readonly OrtRuntimeName[];
  /** ONNX Runtime intra-op threads (default: the cores, at most 2 — bench/eval.ts measures why). */
  threads?: number;
  /** Images per forward pass (default 64, measured by bench/eval.ts). */
  batchSize?: number;
  /**
   * Whether idle intra-op threads spin-wait for work (ORT's own default) rather than sleep.
   * Default false: the app shares the cores with detection, the UI and other processes, and
   * on a busy machine spinning threads took time from the ones working (bench/eval.ts).
   */
  spinning?: boolean;
}

interface Config {
  allow: readonly OrtRuntimeName[];
  threads: number;
  batchSize: number;
  spinning: boolean;
}

const defaults = (): Config => ({
  allow: ['onnxruntime-node'],
  threads: Math.min(2, availableParallelism()),
  batchSize: 64,
  spinning: false,
});
let config: Config = defaults();
/** Bumped on every configure, so sessions made under an older setting are remade. */
let generation = 0;

/** Sets the options; anything not given returns to its default. */
export function configureOnnxInference(o: OnnxInferenceOptions = {}): void {
  const d = defaults();
  config = {
    allow: o.allow ?? d.allow,
    threads: Math.max(1, Math.floor(o.threads ?? d.threads)),
    batchSize: Math.max(1, Math.floor(o.batchSize ?? d.batchSize)),
    spinning: o.spinning ?? d.spinning,
  };
  generation++;
}

export function onnxInferenceConfig(): Readonly<Config> & { generation: number } {
  return { ...config, generation };
}

/** The runtime the classifiers use now, or null for the tfjs path. */
export function classifierRuntime(): Promise<OrtRuntime | null> {
  return config.allow.length ? loadOrt({ allow: config.allow }) : Promise.resolve(null);
}
