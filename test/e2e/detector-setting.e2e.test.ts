/**
 * End-to-end: the face detector setting in web mode, in headless Chromium. The header says
 * which detector and runtime run; choosing the Haar cascade switches it, and Predict on
 * the astronaut photo then finds her with Haar's square box (YuNet's is taller than wide).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, findChromium, missingChromium, runWithChromium } from './find-chromium.ts';
import { startWeb, type RunningWeb } from './start-web.ts';

const CHROMIUM = findChromium();
const ASTRONAUT = path.resolve('../shared/photos/astronaut.png');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'fer-e2e-detector-'));

let web: RunningWeb;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const header = () => page.locator('#models-in-use').textContent();

/** Predicts the astronaut photo through the Predict button and returns the first face's box. */
async function predictedBox(): Promise<number[]> {
  const answer = page.waitForResponse((r) => r.url().includes('/api/request/predict'));
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Predict Facial Expression', exact: true }).click();
  await (await chooser).setFiles(ASTRONAUT);
  const body = (await (await answer).json()) as { ok: boolean; value: { faces: { box: number[] }[] } };
  expect(body.ok).toBe(true);
  expect(body.value.faces).toHaveLength(1);
  return body.value.faces[0].box;
}

const runE2e = runWithChromium(CHROMIUM) ? describe : describe.skip;

runE2e('face detector setting in Chromium', () => {
  beforeAll(async () => {
    if (!CHROMIUM) throw new Error(missingChromium);
    execFileSync(process.execPath, ['renderer/build.mjs'], { stdio: 'ignore' });
    web = await startWeb(['--work-dir', workDir]); // with the shipped models: Predict works at once
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(web.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  it('the header names YuNet and its runtime; Predict uses it', async () => {
    await expect.poll(header, { timeout: 60_000 }).toContain('Face detector: YuNet (onnxruntime-node)');
    expect(await page.locator('#detector').inputValue()).toBe('yunet');
    const [, , w, h] = await predictedBox();
    expect(h).toBeGreaterThan(w);
  }, 120_000);

  it('choosing the Haar cascade switches the header and Predict', async () => {
    await page.locator('#detector').selectOption('haar');
    await expect.poll(header, { timeout: 30_000 }).toContain('Face detector: Haar cascade (opencv.js)');
    const [, , w, h] = await predictedBox();
    expect(h).toBe(w);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
