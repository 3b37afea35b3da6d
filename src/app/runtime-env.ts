/**
 * The environment variables every shell honours (README, "How it is built"), read
 * into the core's RuntimeOptions in one place; each shell's main passes its own
 * environment and what its flags and platform decide. Bad values are refused with
 * a message naming the variable, not silently replaced.
 */
import { BACKEND_CHOICES, DEFAULT_RUNTIME, type RuntimeOptions } from '../core/runtime-options.ts';

export type EnvLike = Readonly<Record<string, string | undefined>>;

/** RuntimeOptions from FER_BACKEND, FER_TRAIN_WORKERS, FER_MODELS_DIR, FER_DEBUG_OPENCV and FER_INFERENCE, over `base`. */
export function runtimeOptionsFromEnv(env: EnvLike, base: Partial<RuntimeOptions> = {}): RuntimeOptions {
  const o: RuntimeOptions = { ...DEFAULT_RUNTIME, ...base };
  const backend = env.FER_BACKEND;
  if (backend) {
    const choice = BACKEND_CHOICES.find((c) => c === backend);
    if (!choice) throw new Error(`FER_BACKEND must be one of ${BACKEND_CHOICES.join(', ')}, not "${backend}"`);
    o.backend = choice;
  }
  const workers = env.FER_TRAIN_WORKERS;
  if (workers) {
    if (!/^\d+$/.test(workers) || Number(workers) < 1)
      throw new Error(`FER_TRAIN_WORKERS must be a whole number >= 1, not "${workers}"`);
    o.trainThreads = Number(workers);
  }
  if (env.FER_MODELS_DIR) o.detectorDir = env.FER_MODELS_DIR;
  if (env.FER_DEBUG_OPENCV) o.debug = true;
  const inference = env.FER_INFERENCE;
  if (inference) {
    if (inference !== 'auto' && inference !== 'tfjs')
      throw new Error(`FER_INFERENCE must be auto or tfjs, not "${inference}"`);
    o.inference = inference;
  }
  return o;
}
