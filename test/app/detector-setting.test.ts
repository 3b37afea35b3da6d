/** The app's face detector setting: YuNet by default and said so, Haar on request, used by Predict; bad values refused. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, PredictionResult, SessionSnapshot } from '../../src/contract/contract.ts';
import { inProcessBackend } from '../../src/app/backend.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-detector-setting-'));
const backend = inProcessBackend({
  dataDir: 'data',
  workDir: path.join(tmp, 'work'),
  uploadsDir: path.join(tmp, 'uploads'),
  pretrainedDir: 'models',
});
const events: AppEvent[] = [];
backend.onEvent((e) => events.push(e));
const ASTRONAUT = '../shared/photos/astronaut.png';

async function ok<T>(name: string, args: unknown): Promise<T> {
  const r = await backend.request(name, args);
  if (!r.ok) throw new Error(`${name} refused: ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

async function predictAstronaut(): Promise<PredictionResult> {
  const { uploadId } = await ok<{ uploadId: string }>('beginUpload', {
    purpose: 'photo',
    files: [{ name: 'astronaut.png', size: readFileSync(ASTRONAUT).length }],
  });
  await backend.uploads.writeFile(uploadId, 0, readFileSync(ASTRONAUT));
  return ok<PredictionResult>('predict', { uploadId, wholeImage: false });
}

beforeAll(() => backend.service.init());
afterAll(async () => {
  await backend.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('face detector setting', () => {
  it('starts on YuNet, says which runtime in the snapshot and the log', async () => {
    expect((await ok<SessionSnapshot>('getState', {})).detector).toEqual({
      kind: 'yunet',
      inUse: 'YuNet (onnxruntime-node)',
      fallback: null,
    });
    expect(events.some((e) => e.type === 'log' && e.text === 'Face detector: YuNet (onnxruntime-node)')).toBe(true);
    const [face] = (await predictAstronaut()).faces;
    expect(face.box[3]).toBeGreaterThan(face.box[2]); // YuNet's box is taller than wide (forehead to chin)
  });

  it('switches Predict to the Haar cascade and back, pushing the new state', async () => {
    expect(await ok('setDetector', { detector: 'haar' })).toEqual({
      kind: 'haar',
      inUse: 'Haar cascade (opencv.js)',
      fallback: null,
    });
    const last = events.filter((e) => e.type === 'state').at(-1) as { state: SessionSnapshot };
    expect(last.state.detector.kind).toBe('haar');
    const [face] = (await predictAstronaut()).faces;
    expect(face.box[3]).toBe(face.box[2]); // Haar's boxes are square
    await ok('setDetector', { detector: 'yunet' });
    expect((await ok<SessionSnapshot>('getState', {})).detector.inUse).toBe('YuNet (onnxruntime-node)');
  });

  it('refuses an unknown detector at the boundary', async () => {
    expect(await backend.request('setDetector', { detector: 'blazeface' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request' },
    });
    expect(await backend.request('setDetector', {})).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
  });
});
