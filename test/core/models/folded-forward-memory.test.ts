/**
 * foldedPredict frees each activation once the next one exists (src/core/models/folded-forward.ts):
 * a validation batch of 256 used to hold every layer's output until the caller's tidy ended,
 * which is what the tfjs fallback of predictAll (no ONNX Runtime) added to a training run's peak
 * memory (bench/memory.ts). Bound: the largest activation (the first 32-filter convolution's
 * output, at full resolution) plus the smaller one made from it; keeping every output was
 * 3.3x (CNN) and 2.4x (RNN) that largest activation.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { foldedConvCount, foldedPredict } from '../../../src/core/models/folded-forward.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Peak live bytes of `f` above what was alive before (tf.profile's object is shared: read at once). */
async function peakOf(f: () => void): Promise<number> {
  const base = tf.memory().numBytes;
  return (await tf.profile(f)).peakBytes - base;
}

describe('foldedPredict memory', () => {
  it.each([
    ['cnn', () => buildCnn([48, 48, 1], 7, { seed: 1 }), [48, 48, 1]],
    ['rnn', () => buildRnn([48, 48], 7, { seed: 1 }), [48, 48]],
  ] as const)('holds at most two activations at a time for the %s', async (_kind, build, shape) => {
    const model = build();
    const x = tf.randomUniform([32, ...shape], 0, 1, 'float32', 4);
    tf.tidy(() => foldedPredict(model, x.slice(0, 1))); // folds once (its kept tensors are not the point)
    expect(foldedConvCount(model)).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    const folded = await peakOf(() => void tf.tidy(() => foldedPredict(model, x).dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    const largest = 32 * 48 * 48 * 32 * 4; // float32 bytes of the first convolution's output
    expect(folded).toBeGreaterThanOrEqual(largest);
    expect(folded).toBeLessThan(1.5 * largest);
    x.dispose();
    model.dispose();
  });
});
