/** The app service in a worker thread: requests, validation and events cross the thread boundary. */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEvent, SessionSnapshot } from '../../src/contract/contract.ts';
import { runtimeOptionsFromEnv } from '../../src/app/runtime-env.ts';
import { workerBackend } from '../../src/app/worker/worker-backend.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-worker-test-'));
const backend = workerBackend({
  dataDir: 'data',
  workDir: path.join(tmp, 'work'),
  uploadsDir: path.join(tmp, 'uploads'),
  pretrainedDir: null,
  runtime: runtimeOptionsFromEnv(process.env),
});
const events: AppEvent[] = [];
backend.onEvent((e) => events.push(e));

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('workerBackend', () => {
  it('runs a job in the worker and streams its events back', async () => {
    const r = await backend.request('useSample', { sample: 'fer2013-csv' });
    expect(r.ok).toBe(true);
    await expect.poll(() => events.some((e) => e.type === 'job-finished'), { timeout: 30_000 }).toBe(true);
    expect(events.find((e) => e.type === 'job-finished')).toMatchObject({ outcome: 'done' });
    const s = await backend.request('getState', {});
    expect(s.ok && (s.value as SessionSnapshot).dataset).toMatchObject({ format: 'csv', count: 168 });
  });

  it('validates inside the worker and survives bad input', async () => {
    expect(await backend.request('train', { model: 'cnn', epochs: 'lots' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request' },
    });
    expect(await backend.request('nope', {})).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await backend.request('getState', { f: () => 1 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request' },
    });
    expect(await backend.loadPath(path.join(tmp, 'missing.csv'))).toMatchObject({ ok: true });
    await expect.poll(() => events.filter((e) => e.type === 'job-finished').length, { timeout: 30_000 }).toBe(2);
    expect(events.filter((e) => e.type === 'job-finished').at(-1)).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/missing.csv: not found/),
    });
  });

  it('stops cleanly', async () => {
    await backend.close();
    expect(await backend.request('getState', {})).toMatchObject({
      ok: false,
      error: { kind: 'internal', message: 'the app service has stopped' },
    });
  });
});
