/**
 * End-to-end: "Show heat maps" in the Predict view, in headless Chromium against web mode
 * with the shipped models. The astronaut photo is predicted, the toggle clicked, and the
 * face box's pixels must change (the map is drawn, not only announced); choosing the RNN
 * redraws it. Saves the README's screenshot (UPDATE_SCREENSHOTS=1, as web-app.e2e.test.ts).
 * Then the live view, with Chromium playing a still video of the photo as its camera: "Pause
 * for heat maps" stops on a frame, and the toggle draws that frame's maps.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, findChromium, missingChromium, runWithChromium } from './find-chromium.ts';
import { startWeb, type RunningWeb } from './start-web.ts';
import { writeY4m } from './y4m.ts';

const CHROMIUM = findChromium();
const ASTRONAUT = path.resolve('../shared/photos/astronaut.png');
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve('docs/screenshots')
    : path.join(os.tmpdir(), 'fer-e2e-screenshots');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'fer-e2e-heat-'));

let web: RunningWeb;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** The canvas pixels inside the first face's box (RGB, subsampled), as the user sees them. */
async function facePixels(box: number[], photoWidth: number, canvas = '#prediction canvas.photo'): Promise<number[]> {
  return page.locator(canvas).evaluate(
    (el, [b, w]) => {
      const c = el as unknown as {
        width: number;
        getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      };
      const s = c.width / (w as number);
      const [x, y, bw, bh] = (b as number[]).map((v) => Math.round(v * s));
      const px = c.getContext('2d').getImageData(x, y, bw, bh).data;
      const out: number[] = [];
      for (let i = 0; i < px.length; i += 4 * 7) out.push(px[i], px[i + 1], px[i + 2]);
      return out;
    },
    [box, photoWidth] as const,
  );
}

const meanDiff = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

const runE2e = runWithChromium(CHROMIUM) ? describe : describe.skip;

runE2e('heat maps in the Predict view, in Chromium', () => {
  beforeAll(async () => {
    if (!CHROMIUM) throw new Error(missingChromium);
    mkdirSync(SHOTS, { recursive: true });
    execFileSync(process.execPath, ['renderer/build.mjs'], { stdio: 'ignore' });
    web = await startWeb(['--work-dir', workDir]); // the shipped CNN and RNN
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(web.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  it('"Show heat maps" draws where each model looked over the face', async () => {
    const answer = page.waitForResponse((r) => r.url().includes('/api/request/predict'));
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Predict Facial Expression', exact: true }).click();
    await (await chooser).setFiles(ASTRONAUT);
    const body = (await (await answer).json()) as { value: { width: number; faces: { box: number[] }[] } };
    const { box } = body.value.faces[0];
    await expect
      .poll(() => page.locator('#prediction canvas.photo').getAttribute('data-faces'), { timeout: 60_000 })
      .toBe('1');
    const plain = await facePixels(box, body.value.width);

    await page.getByLabel('Show heat maps').check();
    await expect
      .poll(() => page.locator('#prediction canvas.photo').getAttribute('data-heat'), { timeout: 60_000 })
      .toBe('cnn');
    const cnn = await facePixels(box, body.value.width);
    expect(meanDiff(plain, cnn)).toBeGreaterThan(15);
    await expect
      .poll(() => page.locator('#prediction .heat-controls .note').textContent())
      .toContain('Where the CNN looked for its answer (Grad-CAM)');
    expect(await page.locator('#prediction .heat-legend img').isVisible()).toBe(true);
    await page
      .locator('#prediction .heat-controls')
      .evaluate((e) => (e as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SHOTS, '12-heat-map.png') });

    await page.locator('#heat-model').selectOption('rnn');
    await expect
      .poll(() => page.locator('#prediction canvas.photo').getAttribute('data-heat'), { timeout: 30_000 })
      .toBe('rnn');
    expect(meanDiff(cnn, await facePixels(box, body.value.width))).toBeGreaterThan(3);

    await page.getByLabel('Show heat maps').uncheck();
    await expect.poll(() => page.locator('#prediction canvas.photo').getAttribute('data-heat')).toBe('');
    expect(meanDiff(plain, await facePixels(box, body.value.width))).toBeLessThan(1);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('the live view: "Pause for heat maps" stops on a frame and draws its heat maps', async () => {
    const video = path.join(workDir, 'still.y4m');
    await writeY4m(
      video,
      Array.from({ length: 5 }, () => [{ photo: ASTRONAUT, side: 400, left: 120, top: 40 }]),
      10,
    );
    const live = await browser.browserType().launch({
      executablePath: CHROMIUM ?? undefined,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      page = await live.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(web.url);
      await page
        .locator('#log .log-line', { hasText: /backend ready/ })
        .first()
        .waitFor({ timeout: 60_000 });
      const liveButton = page.getByRole('button', { name: 'Live Camera', exact: true });
      await expect.poll(() => liveButton.isEnabled(), { timeout: 60_000 }).toBe(true);
      // The Live Camera action starts the camera itself (clicking Start as well raced with it).
      await liveButton.click();
      await expect.poll(() => page.getByRole('button', { name: 'Stop', exact: true }).isEnabled()).toBe(true);
      const faces = async () =>
        JSON.parse((await page.locator('#live-overlay').getAttribute('data-faces')) ?? '[]') as { box: number[] }[];
      await expect.poll(async () => (await faces()).length, { timeout: 60_000 }).toBe(1);
      const [x, y, w, h] = (await faces())[0].box;
      const pause = page.getByRole('button', { name: 'Pause for heat maps' });
      // On a loaded machine the first frames can be slow; the message says why if the camera stopped.
      await expect
        .poll(async () => ((await pause.isEnabled()) ? 'enabled' : await page.locator('#live-message').textContent()), {
          timeout: 60_000,
        })
        .toBe('enabled');
      await pause.click();
      await expect.poll(() => page.locator('#live-message').textContent()).toContain('Paused on this frame');
      expect(await page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true); // the camera is released
      const frame = page.locator('#live-paused-frame');
      const width = Number(await frame.evaluate((e) => (e as unknown as { width: number }).width));
      // Shown mirrored (the Mirror default): the box's pixels sit at width - x - w.
      const shown = [width - x - w, y, w, h];
      const plain = await facePixels(shown, width, '#live-paused-frame');
      const answer = page.waitForResponse((r) => r.url().includes('/api/request/liveHeatMaps'));
      await page.getByLabel('Show heat maps').check();
      const body = (await (await answer).json()) as { ok: boolean; value: { faces: unknown[] } };
      expect(body.ok).toBe(true);
      expect(body.value.faces).toHaveLength(1);
      await expect.poll(() => frame.getAttribute('data-heat'), { timeout: 60_000 }).toBe('cnn');
      expect(meanDiff(plain, await facePixels(shown, width, '#live-paused-frame'))).toBeGreaterThan(15);
      expect(pageErrors).toEqual([]);
    } finally {
      await live.close();
    }
  }, 180_000);
});
