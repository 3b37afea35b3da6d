/** `fer eval` and `fer predict` say which runtime classified, and give the same answers on ONNX Runtime and on tfjs. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHOTOS, runFer } from './run-fer.ts';

const DATA = 'test/fixtures/shipped/publictest.X.npy';

describe("the classifiers' runtime in the CLI", () => {
  it('fer eval --json names onnxruntime-node, or tfjs under FER_INFERENCE=tfjs, with the same accuracy', async () => {
    const onnx = await runFer(['eval', '--model', 'models/rnn', '--data', DATA, '--json']);
    const tfjs = await runFer(['eval', '--model', 'models/rnn', '--data', DATA, '--json'], {
      env: { FER_INFERENCE: 'tfjs' },
    });
    expect(onnx.code, onnx.stderr).toBe(0);
    expect(tfjs.code, tfjs.stderr).toBe(0);
    const a = JSON.parse(onnx.stdout) as { runtime: string; accuracy: number; confusion: number[][] };
    const b = JSON.parse(tfjs.stdout) as { runtime: string; backend: string; accuracy: number; confusion: number[][] };
    expect(a.runtime).toBe('onnxruntime-node');
    expect(b.runtime).toBe(`tfjs (${b.backend})`);
    expect(a.confusion).toEqual(b.confusion);
  });

  it('fer predict --json names the runtime of its classifiers', async () => {
    const r = await runFer([
      'predict',
      '--model',
      'models/cnn',
      '--model',
      'models/rnn',
      join(PHOTOS, 'astronaut.png'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout.trim().split('\n')[0]) as { runtime: string }).runtime).toBe('onnxruntime-node');
  });
});
