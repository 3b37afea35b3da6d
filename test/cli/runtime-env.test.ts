/** `fer` reads its environment once, in main, and hands it down: the variables reach the core, bad ones are usage errors. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errLines, PHOTOS, runFer, SAMPLES } from './run-fer.ts';

describe.concurrent('fer and its environment', () => {
  it('refuses an unknown FER_BACKEND or a bad FER_TRAIN_WORKERS with exit 2 and one line', async () => {
    const backend = await runFer(['info', join(SAMPLES, 'folders')], { env: { FER_BACKEND: 'gpu' } });
    expect(backend.code).toBe(2);
    expect(errLines(backend)).toEqual(['fer: FER_BACKEND must be one of auto, tensorflow, wasm, cpu, not "gpu"']);
    const workers = await runFer(['info', join(SAMPLES, 'folders')], { env: { FER_TRAIN_WORKERS: 'two' } });
    expect(workers.code).toBe(2);
    expect(errLines(workers)).toEqual(['fer: FER_TRAIN_WORKERS must be a whole number >= 1, not "two"']);
  });

  it('runs on the backend FER_BACKEND names', async () => {
    const run = await runFer(
      ['predict', '--model', 'models/rnn', '--detector', 'haar', join(PHOTOS, 'astronaut.png')],
      { env: { FER_BACKEND: 'cpu' } },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^backend: cpu\b/m);
  });

  it('reads the Haar cascades from FER_MODELS_DIR', async () => {
    const run = await runFer(
      ['predict', '--model', 'models/rnn', '--detector', 'haar', join(PHOTOS, 'astronaut.png')],
      { env: { FER_MODELS_DIR: '/nonexistent/haar' } },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/nonexistent/haar/haarcascade_frontalface_default.xml');
  });
});
