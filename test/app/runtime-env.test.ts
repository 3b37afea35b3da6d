/** The environment variables every shell honours, read into the core's runtime options in one place. */
import { describe, expect, it } from 'vitest';
import { runtimeOptionsFromEnv } from '../../src/app/runtime-env.ts';
import { DEFAULT_RUNTIME } from '../../src/core/runtime-options.ts';

describe('runtimeOptionsFromEnv', () => {
  it('gives the defaults for an empty environment, and the base a shell passes', () => {
    expect(runtimeOptionsFromEnv({})).toEqual(DEFAULT_RUNTIME);
    expect(runtimeOptionsFromEnv({}, { predictThreads: 2, detectorDir: '/res/models/haar' })).toEqual({
      ...DEFAULT_RUNTIME,
      predictThreads: 2,
      detectorDir: '/res/models/haar',
    });
  });

  it('reads FER_BACKEND, FER_TRAIN_WORKERS, FER_MODELS_DIR and FER_DEBUG_OPENCV; the environment wins over the base', () => {
    const o = runtimeOptionsFromEnv(
      { FER_BACKEND: 'cpu', FER_TRAIN_WORKERS: '3', FER_MODELS_DIR: '/my/haar', FER_DEBUG_OPENCV: '1' },
      { detectorDir: '/res/models/haar', predictThreads: 2 },
    );
    expect(o).toEqual({
      ...DEFAULT_RUNTIME,
      backend: 'cpu',
      trainThreads: 3,
      predictThreads: 2,
      detectorDir: '/my/haar',
      debug: true,
    });
    for (const b of ['auto', 'tensorflow', 'wasm', 'cpu'])
      expect(runtimeOptionsFromEnv({ FER_BACKEND: b }).backend).toBe(b);
    // Empty means unset, as a shell's `FER_BACKEND= fer ...` does.
    expect(
      runtimeOptionsFromEnv({ FER_BACKEND: '', FER_TRAIN_WORKERS: '', FER_MODELS_DIR: '', FER_DEBUG_OPENCV: '' }),
    ).toEqual(DEFAULT_RUNTIME);
  });

  it('reads FER_INFERENCE: tfjs keeps the classifiers off ONNX Runtime', () => {
    expect(runtimeOptionsFromEnv({ FER_INFERENCE: 'tfjs' }).inference).toBe('tfjs');
    expect(runtimeOptionsFromEnv({ FER_INFERENCE: 'auto' }).inference).toBe('auto');
    expect(() => runtimeOptionsFromEnv({ FER_INFERENCE: 'onnx' })).toThrow(
      /FER_INFERENCE must be auto or tfjs, not "onnx"/,
    );
  });

  it('refuses values it cannot use, naming the variable', () => {
    expect(() => runtimeOptionsFromEnv({ FER_BACKEND: 'gpu' })).toThrow(
      /FER_BACKEND must be one of auto, tensorflow, wasm, cpu, not "gpu"/,
    );
    for (const w of ['0', '-1', '1.5', 'two', ' 2'])
      expect(() => runtimeOptionsFromEnv({ FER_TRAIN_WORKERS: w }), w).toThrow(/FER_TRAIN_WORKERS/);
  });
});
