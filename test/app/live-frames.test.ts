/**
 * The live view's backend: real camera-sized frames built from the shared
 * photos, sent as the page sends them (base64 JPEG or RGBA), through the
 * service's validated request entry, with the shipped models.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveFrameResult, WireResult } from '../../src/contract/contract.ts';
import { inProcessBackend } from '../../src/app/backend.ts';
import { runtimeOptionsFromEnv } from '../../src/app/runtime-env.ts';

const PHOTOS = path.resolve('../shared/photos');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-live-test-'));
const backend = inProcessBackend({
  dataDir: 'data',
  workDir: path.join(tmp, 'work'),
  uploadsDir: path.join(tmp, 'uploads'),
  pretrainedDir: 'models',
  runtime: runtimeOptionsFromEnv(process.env, { predictThreads: 1 }),
});

/** A 640x480 frame: the photo scaled to `side` px, its top-left corner at (left, top), on gray. */
async function frame(photo: string, side: number, left: number, top: number): Promise<{ raw: Buffer; jpeg: Buffer }> {
  const face = await sharp(path.join(PHOTOS, photo)).resize(side, side).toBuffer();
  const img = sharp({
    create: { width: 640, height: 480, channels: 4, background: { r: 128, g: 128, b: 128, alpha: 1 } },
  }).composite([{ input: face, left, top }]);
  const raw = await img.raw().toBuffer();
  return {
    raw,
    jpeg: await sharp(raw, { raw: { width: 640, height: 480, channels: 4 } })
      .jpeg({ quality: 80 })
      .toBuffer(),
  };
}

const send = (image: Buffer, format: 'jpeg' | 'rgba', width = 640, height = 480): Promise<WireResult> =>
  backend.request('liveFrame', { image: image.toString('base64'), format, width, height });

async function ok(image: Buffer, format: 'jpeg' | 'rgba'): Promise<LiveFrameResult> {
  const r = await send(image, format);
  if (!r.ok) throw new Error(`liveFrame refused: ${r.error.message}`);
  return r.value as LiveFrameResult;
}

beforeAll(() => backend.service.init());
afterAll(async () => {
  await backend.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('liveFrame', () => {
  it('finds the astronaut where she is and classifies her with both models, from a JPEG and from RGBA', async () => {
    const f = await frame('astronaut.png', 400, 200, 40);
    for (const format of ['jpeg', 'rgba'] as const) {
      const r = await ok(format === 'jpeg' ? f.jpeg : f.raw, format);
      expect(r.faces).toHaveLength(1);
      const [x, y, w, h] = r.faces[0].box;
      // Her face is in the photo's upper middle: about x 170-300, y 60-210 of 512, scaled by 400/512 and moved by (200, 40).
      expect(x + w / 2).toBeGreaterThan(200 + 150 * 0.78);
      expect(x + w / 2).toBeLessThan(200 + 330 * 0.78);
      expect(y + h / 2).toBeGreaterThan(40 + 60 * 0.78);
      expect(y + h / 2).toBeLessThan(40 + 230 * 0.78);
      expect(Object.keys(r.classes).sort()).toEqual(['cnn', 'rnn']);
      for (const slot of ['cnn', 'rnn'] as const) {
        const p = r.faces[0].probabilities[slot]!;
        expect(p).toHaveLength(r.classes[slot]!.length);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      }
      expect(r.detector).toMatch(/^YuNet \(onnxruntime-(node|web)\)$/); // the default; Haar only when no ONNX Runtime loads
      expect(r.backend).toMatch(/^(ONNX Runtime \(onnxruntime-node\)|TensorFlow\.js (wasm|cpu|tensorflow))$/);
      expect(r.tensors).toBeGreaterThan(0);
      expect(r.timings.total).toBeGreaterThan(0);
    }
  });

  it('reports no face on a frame without one', async () => {
    const f = await frame('coffee.png', 480, 80, 0);
    expect((await ok(f.jpeg, 'jpeg')).faces).toEqual([]);
  });

  it('drops a frame sent while another is analysed instead of queueing it', async () => {
    const f = await frame('astronaut.png', 300, 100, 100);
    const [a, b] = await Promise.all([send(f.jpeg, 'jpeg'), send(f.jpeg, 'jpeg')]);
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, error: { kind: 'busy', message: /dropped/ } });
  });

  it('refuses frames while a job needs the processor, saying the camera stopped', async () => {
    const f = await frame('astronaut.png', 300, 100, 100);
    const started = await backend.request('useSample', { sample: 'fer2013-csv' });
    expect(started.ok).toBe(true);
    expect(await send(f.jpeg, 'jpeg')).toMatchObject({
      ok: false,
      error: { kind: 'busy', message: /^camera stopped: loading the dataset needs the processor/ },
    });
    await backend.service.idle();
    expect((await send(f.jpeg, 'jpeg')).ok).toBe(true);
  });

  it('refuses frames that are not what they claim, with a clear error', async () => {
    const f = await frame('astronaut.png', 300, 100, 100);
    expect(await send(f.jpeg, 'jpeg', 320, 240)).toMatchObject({
      ok: false,
      error: { kind: 'bad-input', message: /640x480, announced as 320x240/ },
    });
    expect(await send(f.raw.subarray(0, 1000), 'rgba')).toMatchObject({
      ok: false,
      error: { kind: 'bad-input', message: /1000 bytes for a 640x480 RGBA frame/ },
    });
    expect(await send(Buffer.from('not a jpeg at all'), 'jpeg')).toMatchObject({
      ok: false,
      error: { kind: 'bad-input', message: /camera frame: not an image/ },
    });
    expect(await backend.request('liveFrame', { image: '!!', format: 'jpeg', width: 640, height: 480 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request' },
    });
    expect(await backend.request('liveFrame', { image: '', format: 'png', width: 640, height: 480 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request' },
    });
    expect(await backend.request('liveFrame', { image: '', format: 'jpeg', width: 5000, height: 480 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request' },
    });
  });
});
