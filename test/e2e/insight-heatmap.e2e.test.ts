/**
 * End-to-end: "Show heat maps" in the Predict view, in headless Chromium against web mode
 * with the shipped models. The astronaut photo is predicted, the toggle clicked, and the
 * face box's pixels must change (the map is drawn, not only announced); choosing the RNN
 * redraws it. Saves the README's screenshot (UPDATE_SCREENSHOTS=1, as web-app.e2e.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, missingChromium, runWithChromium } from './find-chromium.ts';
import { startWeb, type RunningWeb } from './start-web.ts';

const CHROMIUM = findChromium();
const ASTRONAUT = path.resolve('../shared/photos/astronaut.png');
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve('docs/screenshots') : path.join(os.tmpdir(), 'fer-e2e-screenshots');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'fer-e2e-heat-'));

let web: RunningWeb;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** The canvas pixels inside the first face's box (RGB, subsampled), as the user sees them. */
async function facePixels(box: number[], photoWidth: number): Promise<number[]> {
  return page.locator('#prediction canvas.photo').evaluate((el, [b, w]) => {
    const c = el as unknown as { width: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const s = c.width / (w as number);
    const [x, y, bw, bh] = (b as number[]).map((v) => Math.round(v * s));
    const px = c.getContext('2d').getImageData(x, y, bw, bh).data;
    const out: number[] = [];
    for (let i = 0; i < px.length; i += 4 * 7) out.push(px[i], px[i + 1], px[i + 2]);
    return out;
  }, [box, photoWidth] as const);
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
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
    await expect.poll(() => page.locator('#prediction canvas.photo').getAttribute('data-faces'), { timeout: 60_000 }).toBe('1');
    const plain = await facePixels(box, body.value.width);

    await page.getByLabel('Show heat maps').check();
    await expect.poll(() => page.locator('#prediction canvas.photo').getAttribute('data-heat'), { timeout: 60_000 }).toBe('cnn');
    const cnn = await facePixels(box, body.value.width);
    expect(meanDiff(plain, cnn)).toBeGreaterThan(15);
    await expect.poll(() => page.locator('#prediction .heat-controls .note').textContent()).toContain('Where the CNN looked for its answer (Grad-CAM)');
    expect(await page.locator('#prediction .heat-legend img').isVisible()).toBe(true);
    await page.locator('#prediction .heat-controls').evaluate((e) => (e as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SHOTS, '12-heat-map.png') });

    await page.locator('#heat-model').selectOption('rnn');
    await expect.poll(() => page.locator('#prediction canvas.photo').getAttribute('data-heat'), { timeout: 30_000 }).toBe('rnn');
    expect(meanDiff(cnn, await facePixels(box, body.value.width))).toBeGreaterThan(3);

    await page.getByLabel('Show heat maps').uncheck();
    await expect.poll(() => page.locator('#prediction canvas.photo').getAttribute('data-heat')).toBe('');
    expect(meanDiff(plain, await facePixels(box, body.value.width))).toBeLessThan(1);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
