/**
 * End-to-end: the Live Camera in headless Debian Chromium, which plays a Y4M
 * video as its camera (--use-fake-device-for-media-stream
 * --use-file-for-fake-video-capture). The videos are built here from the
 * shared photos: a still face, a face panning and zooming, two faces side by
 * side, and a face leaving (a frame with no face) and coming back. Web mode
 * runs as `npm run web` starts it, with the shipped models.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, findChromium, missingChromium, runWithChromium } from './find-chromium.ts';
import { startWeb, type RunningWeb } from './start-web.ts';
import { writeY4m, type Placement } from './y4m.ts';

const CHROMIUM = findChromium();
const PHOTOS = path.resolve('../shared/photos');
const ASTRONAUT = path.join(PHOTOS, 'astronaut.png');
const COFFEE = path.join(PHOTOS, 'coffee.png');
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve('docs/screenshots')
    : path.join(os.tmpdir(), 'fer-e2e-screenshots');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-live-e2e-'));
const LONG = 120_000;

/** Where YuNet puts her face in the 512x512 photo (centre x, centre y, width): measured once, a fixed fact of the photo. */
const FACE = { cx: 223, cy: 119, w: 90 };
/** The face's true centre for a placement (flop: the photo mirrored). */
const truth = (p: Placement) => ({
  cx: p.left + ((p.flop ? 512 - FACE.cx : FACE.cx) * p.side) / 512,
  cy: p.top + (FACE.cy * p.side) / 512,
  tol: (0.12 * p.side * FACE.w) / 90,
});

/** The few browser types the in-page callbacks use (this test's type scope has no DOM). */
interface Stream {
  getTracks(): { readyState: string }[];
}
interface PageGlobals {
  __streams: Stream[];
  __cameraDelayMs: number;
  setTimeout(f: () => void, ms: number): void;
  navigator: { mediaDevices: { getUserMedia(c: unknown): Promise<Stream> } };
}

interface Drawn {
  id: number;
  box: [number, number, number, number];
  label: string;
  labelAt: [number, number, number, number];
}
interface Sample {
  t: number;
  faces: Drawn[];
  message: string;
}

let web: RunningWeb;
let browser: Browser | null = null;
let page: Page;
let pageErrors: string[] = [];

const still: Placement = { photo: ASTRONAUT, side: 400, left: 120, top: 40 };
const two: Placement[] = [
  { photo: ASTRONAUT, side: 300, left: 10, top: 90 },
  { photo: ASTRONAUT, side: 300, left: 330, top: 90, flop: true },
];
/** Pans 260 px right while zooming 300 -> 360 px, then back: a loop without a jump. */
const pan: Placement[] = Array.from({ length: 90 }, (_, i) => {
  const u = i < 45 ? i / 44 : (89 - i) / 44;
  const side = Math.round(300 + 60 * u);
  return { photo: ASTRONAUT, side, left: Math.round(20 + 260 * u), top: 60 };
});

/** A fresh Chromium whose camera plays `video`; opens the app and presses Live Camera. */
async function openLive(video: string): Promise<void> {
  await browser?.close();
  if (!CHROMIUM) throw new Error(missingChromium);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Keeps every stream the page opens, to check that Stop and leaving the view end its tracks.
  await page.addInitScript(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__streams = [];
    g.__cameraDelayMs = 0;
    const md = g.navigator.mediaDevices;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = async (c: unknown) => {
      const s = await original(c);
      g.__streams.push(s);
      // A slow camera (or a permission prompt): lets a test act while the page still waits for it.
      await new Promise<void>((resolve) => g.setTimeout(resolve, g.__cameraDelayMs));
      return s;
    };
  });
  await page.goto(web.url);
  await page
    .locator('#log .log-line', { hasText: /backend ready/ })
    .first()
    .waitFor({ timeout: 60_000 });
  await expect
    .poll(() => page.getByRole('button', { name: 'Live Camera', exact: true }).isEnabled(), { timeout: 60_000 })
    .toBe(true);
  await page.getByRole('button', { name: 'Live Camera', exact: true }).click();
  await expect.poll(() => page.locator('#live-stats').getAttribute('data-fps'), { timeout: 60_000 }).toMatch(/^\d/);
}

/** What the overlay shows, sampled every 100 ms for `ms`. */
async function sample(ms: number): Promise<Sample[]> {
  const out: Sample[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const [faces, message] = await Promise.all([
      page.locator('#live-overlay').getAttribute('data-faces'),
      page.locator('#live-message').textContent(),
    ]);
    out.push({ t: Date.now(), faces: JSON.parse(faces ?? '[]') as Drawn[], message: message ?? '' });
    await page.waitForTimeout(100);
  }
  return out;
}

const centre = (d: Drawn) => ({ cx: d.box[0] + d.box[2] / 2, cy: d.box[1] + d.box[3] / 2 });
const trackStates = () =>
  page.evaluate(() =>
    (globalThis as unknown as PageGlobals).__streams.flatMap((s) => s.getTracks().map((tr) => tr.readyState)),
  );

const runE2e = runWithChromium(CHROMIUM) ? describe : describe.skip;

runE2e('Live Camera in Chromium with a fake camera', () => {
  const videos = {
    still: path.join(tmp, 'still.y4m'),
    pan: path.join(tmp, 'pan.y4m'),
    two: path.join(tmp, 'two.y4m'),
    leave: path.join(tmp, 'leave.y4m'),
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    execFileSync(process.execPath, ['renderer/build.mjs'], { stdio: 'ignore' });
    await writeY4m(
      videos.still,
      Array.from({ length: 5 }, () => [still]),
      10,
    );
    await writeY4m(
      videos.pan,
      pan.map((p) => [p]),
      15,
    );
    await writeY4m(
      videos.two,
      Array.from({ length: 5 }, () => two),
      10,
    );
    // 2 s with her face, then 2.5 s of a coffee cup (no face), looping.
    await writeY4m(
      videos.leave,
      [
        ...Array.from({ length: 20 }, () => [still]),
        ...Array.from({ length: 25 }, () => [{ photo: COFFEE, side: 480, left: 80, top: 0 }]),
      ],
      10,
    );
    web = await startWeb(['--work-dir', path.join(tmp, 'work')]);
  }, LONG);

  afterEach(() => {
    const errors = pageErrors;
    pageErrors = [];
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await rm(tmp, { recursive: true, force: true });
  }, 60_000);

  it(
    'a still face: a box where the face is, one id, a label that does not change, fps and the detector shown',
    async () => {
      await openLive(videos.still);
      const samples = (await sample(4000)).filter((s) => s.faces.length);
      expect(samples.length).toBeGreaterThan(20);
      const t = truth(still);
      for (const s of samples) {
        expect(s.faces).toHaveLength(1);
        const c = centre(s.faces[0]);
        expect(Math.abs(c.cx - t.cx)).toBeLessThan(t.tol);
        expect(Math.abs(c.cy - t.cy)).toBeLessThan(t.tol);
        expect(s.faces[0].label).toMatch(/^1 (angry|disgust|fear|happy|sad|surprise|neutral)$/);
      }
      // Smoothed: after the first second the label stays put on a still face.
      const settled = samples.filter((s) => s.t > samples[0].t + 1000);
      expect(new Set(settled.map((s) => s.faces[0].label)).size).toBe(1);
      const stats = (await page.locator('#live-stats').textContent()) ?? '';
      expect(stats).toMatch(
        /\d+\.\d fps · latency \d+ ms \(p95 \d+ ms\) · detector: YuNet \(onnxruntime-(node|web)\) · backend: (ONNX Runtime \(onnxruntime-node\)|TensorFlow\.js \w+)/,
      );
      expect(Number(await page.locator('#live-stats').getAttribute('data-fps'))).toBeGreaterThan(0);
      // Its card: both models' seven probabilities and the expression-over-time chart.
      for (const model of ['cnn', 'rnn'])
        expect(
          await page.locator(`.live-face[data-face-id="1"] .prob-column[data-model="${model}"] .prob-row`).count(),
        ).toBe(7);
      await expect
        .poll(() => page.locator('.live-face[data-face-id="1"] .live-chart canvas').getAttribute('data-points'))
        .toMatch(/^[1-9]/);
      await page.screenshot({ path: path.join(SHOTS, '07-live.png') });
    },
    LONG,
  );

  it(
    'Snapshot saves the frame with its overlay (PNG) and the predictions (JSON); Record saves a timeline (CSV, JSON)',
    async () => {
      const downloads: { name: string; text: Buffer }[] = [];
      const collect = (n: number) =>
        new Promise<void>((resolve) => {
          const on = async (d: Download) => {
            downloads.push({ name: d.suggestedFilename(), text: readFileSync((await d.path())!) });
            if (downloads.length >= n) {
              page.off('download', on);
              resolve();
            }
          };
          page.on('download', on);
        });
      let done = collect(2);
      await page.getByRole('button', { name: 'Snapshot', exact: true }).click();
      await done;
      const png = downloads.find((d) => d.name.endsWith('.png'))!;
      expect(await sharp(png.text).metadata()).toMatchObject({ format: 'png', width: 640, height: 480 });
      const snap = JSON.parse(downloads.find((d) => d.name.endsWith('.json'))!.text.toString()) as {
        faces: { id: number; label: string; probabilities: Record<string, Record<string, number>> }[];
      };
      expect(snap.faces).toHaveLength(1);
      expect(Object.keys(snap.faces[0].probabilities).sort()).toEqual(['cnn', 'rnn']);
      expect(Object.keys(snap.faces[0].probabilities.cnn)).toHaveLength(7);
      downloads.length = 0;
      await page.getByRole('button', { name: 'Record', exact: true }).click();
      await page.waitForTimeout(1500);
      await page.getByRole('button', { name: /^Stop recording \(\d+ rows\)$/ }).click();
      done = collect(2);
      await page.getByRole('button', { name: 'Save timeline as CSV', exact: true }).click();
      await page.getByRole('button', { name: 'Save timeline as JSON', exact: true }).click();
      await done;
      const csv = downloads
        .find((d) => d.name.endsWith('.csv'))!
        .text.toString()
        .trim()
        .split('\n');
      expect(csv[0]).toBe(
        `time_ms,face_id,x,y,w,h,${['cnn', 'rnn'].flatMap((m) => ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'].map((c) => `${m}_${c}`)).join(',')}`,
      );
      expect(csv.length).toBeGreaterThan(2);
      const json = JSON.parse(downloads.find((d) => d.name.endsWith('.json'))!.text.toString()) as { rows: unknown[] };
      expect(json.rows).toHaveLength(csv.length - 1);
    },
    LONG,
  );

  it(
    'releases the camera on Stop and when the user leaves the view',
    async () => {
      expect(await trackStates()).toEqual(['live']);
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      expect(await trackStates()).toEqual(['ended']);
      await expect.poll(() => page.locator('#live-message').textContent()).toMatch(/Camera stopped and released/);
      expect(await page.locator('#live-overlay').getAttribute('data-faces')).toBe('[]');
      await page.getByRole('button', { name: 'Start camera', exact: true }).click();
      await expect.poll(trackStates).toEqual(['ended', 'live']);
      await page.getByRole('tab', { name: 'Dataset' }).click();
      expect(await trackStates()).toEqual(['ended', 'ended']);
      expect(await page.locator('#status-line').textContent()).toMatch(/Camera released: you left the live view/);
    },
    LONG,
  );

  it(
    'releases the camera when the window is hidden, when the view is left while the camera starts, and when a job that needs the processor starts',
    async () => {
      const restart = async (n: number) => {
        await page.getByRole('button', { name: 'Live Camera', exact: true }).click();
        await expect.poll(async () => (await trackStates()).length).toBe(n);
        expect((await trackStates()).at(-1)).toBe('live');
        await expect.poll(() => page.locator('#live-message').textContent()).toMatch(/Camera on|No face|^$/);
      };
      await restart(3);
      // What a browser does when the window is minimised or its tab hidden.
      await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { dispatchEvent(e: unknown): void } }).document;
        Object.defineProperty(d, 'hidden', { configurable: true, get: () => true });
        d.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('visibilitychange'));
        Object.defineProperty(d, 'hidden', { configurable: true, get: () => false });
      });
      expect((await trackStates()).at(-1)).toBe('ended');
      expect(await page.locator('#live-message').textContent()).toMatch(/Camera released: the window was hidden/);
      // Leaving the view while the camera is still starting: it must not come on behind the user's back.
      await page.evaluate(() => {
        (globalThis as unknown as PageGlobals).__cameraDelayMs = 1500;
      });
      await page.getByRole('button', { name: 'Live Camera', exact: true }).click();
      await expect.poll(async () => (await trackStates()).length).toBe(4);
      await page.getByRole('tab', { name: 'Dataset' }).click();
      await page.waitForTimeout(2500);
      expect(await trackStates()).toEqual(['ended', 'ended', 'ended', 'ended']);
      await page.evaluate(() => {
        (globalThis as unknown as PageGlobals).__cameraDelayMs = 0;
      });
      await restart(5);
      // Another window (or the CLI's user) starts a job: this window's camera stops and says why.
      const started = await page.evaluate(async () =>
        (
          await fetch('/api/request/useSample', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"sample":"fer2013-csv"}',
          })
        ).json(),
      );
      expect(started).toMatchObject({ ok: true });
      await expect.poll(async () => (await trackStates()).at(-1)).toBe('ended');
      expect(await page.locator('#live-message').textContent()).toMatch(
        /Camera stopped: loading the dataset needs the processor/,
      );
    },
    LONG,
  );

  it(
    'a face panning and zooming keeps its id while its box follows it',
    async () => {
      await openLive(videos.pan);
      const samples = await sample(6000);
      const seen = samples.filter((s) => s.faces.length);
      expect(seen.length).toBeGreaterThan(samples.length * 0.9);
      expect(new Set(seen.flatMap((s) => s.faces.map((f) => f.id))).size).toBe(1);
      const xs = seen.map((s) => centre(s.faces[0]).cx);
      expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(120); // it did follow the pan
      const lo = truth(pan[0]);
      const hi = truth(pan[44]);
      for (const x of xs) {
        expect(x).toBeGreaterThan(lo.cx - lo.tol);
        expect(x).toBeLessThan(hi.cx + hi.tol);
      }
    },
    LONG,
  );

  it(
    'two faces side by side: two boxes in place, two ids, two labels that do not overlap',
    async () => {
      await openLive(videos.two);
      const samples = (await sample(3000)).filter((s) => s.faces.length);
      expect(samples.length).toBeGreaterThan(15);
      const [left, right] = two.map(truth);
      for (const s of samples) {
        expect(s.faces).toHaveLength(2);
        const [a, b] = [...s.faces].sort((p, q) => centre(p).cx - centre(q).cx);
        expect(Math.abs(centre(a).cx - left.cx)).toBeLessThan(left.tol);
        expect(Math.abs(centre(b).cx - right.cx)).toBeLessThan(right.tol);
        expect(Math.abs(centre(a).cy - left.cy)).toBeLessThan(left.tol);
        const [la, lb] = [a.labelAt, b.labelAt];
        const apart =
          la[0] + la[2] <= lb[0] || lb[0] + lb[2] <= la[0] || la[1] + la[3] <= lb[1] || lb[1] + lb[3] <= la[1];
        expect(apart).toBe(true);
      }
      expect(new Set(samples.flatMap((s) => s.faces.map((f) => f.id)))).toEqual(new Set([1, 2]));
      expect(await page.locator('#live-faces .live-face').count()).toBe(2);
      // Hovering a face's box highlights its card (the overlay is mirrored like the video).
      const overlay = page.locator('#live-overlay');
      const rect = (await overlay.boundingBox())!;
      const face = samples.at(-1)!.faces[0];
      const scale = rect.width / 640;
      await page.mouse.move(
        rect.x + (640 - face.box[0] - face.box[2] / 2) * scale,
        rect.y + (face.box[1] + face.box[3] / 2) * scale,
      );
      await expect
        .poll(() => page.locator(`.live-face[data-face-id="${face.id}"]`).getAttribute('class'))
        .toMatch(/highlight/);
      expect(await page.locator('.live-face.highlight').count()).toBe(1);
    },
    LONG,
  );

  it(
    'photo Predict: five faces of a group photo get five labels, none overlapping another',
    async () => {
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Predict Facial Expression', exact: true }).click();
      await (await chooser).setFiles(path.resolve('test/fixtures/bad/images/five-faces.jpg'));
      await expect
        .poll(() => page.locator('#prediction canvas.photo').getAttribute('data-faces'), { timeout: 60_000 })
        .toBe('5');
      const labels = JSON.parse((await page.locator('#prediction canvas.photo').getAttribute('data-labels'))!) as [
        number,
        number,
        number,
        number,
      ][];
      expect(labels).toHaveLength(5);
      for (const [i, a] of labels.entries()) {
        for (const b of labels.slice(i + 1))
          expect(a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1]).toBe(true);
      }
      // The photo is shown as large as the view allows, not at a fixed 400 px.
      expect((await page.locator('#prediction canvas.photo').boundingBox())!.width).toBeGreaterThan(500);
    },
    LONG,
  );

  it(
    'a face leaving shows the no-face state, and coming back it is a new face with a new id',
    async () => {
      await openLive(videos.leave);
      const samples = await sample(10_000);
      const none = samples.filter((s) => !s.faces.length && s.message === 'No face in view.');
      expect(none.length).toBeGreaterThan(5);
      // Runs of frames with a face, separated by runs without: ids per run.
      const runs: number[][] = [];
      let prev = false;
      for (const s of samples) {
        if (s.faces.length && !prev) runs.push([]);
        if (s.faces.length) runs.at(-1)!.push(s.faces[0].id);
        prev = s.faces.length > 0;
      }
      const full = runs.filter((r) => r.length >= 3);
      expect(full.length).toBeGreaterThanOrEqual(2);
      for (const r of full) expect(new Set(r).size).toBe(1);
      expect(full[1][0]).toBeGreaterThan(full[0][0]);
    },
    LONG,
  );
});
