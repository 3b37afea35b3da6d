/**
 * End-to-end: web mode with the shipped CNN and RNN in headless Chromium. Loads the
 * folders sample, checks the Dataset tab's class balance and face grid, preprocesses
 * with PCA and checks its pictures, measures both models, clicks a confusion cell and
 * "Most confidently wrong", and exports the report. Saves README screenshots at 1280x800.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, findChromium, missingChromium, runWithChromium } from './find-chromium.ts';
import { startWeb, type RunningWeb } from './start-web.ts';

const CHROMIUM = findChromium();
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve('docs/screenshots')
    : path.join(os.tmpdir(), 'fer-e2e-screenshots');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'fer-e2e-insight-'));

let web: RunningWeb;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const button = (label: string) => page.getByRole('button', { name: label, exact: true });
const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, name) });
/** Until no job runs (Upload is enabled only when the backend is idle). */
const waitIdle = () =>
  page.waitForFunction(
    () =>
      !(
        globalThis as unknown as { document: { getElementById(id: string): { disabled: boolean } } }
      ).document.getElementById('action-upload').disabled,
    undefined,
    { timeout: 180_000, polling: 250 },
  );
/** Every <img> under `selector` decoded, with the natural widths seen. */
const imageWidths = (selector: string) =>
  page
    .locator(`${selector} img`)
    .evaluateAll((els) => els.map((e) => (e as unknown as { naturalWidth: number }).naturalWidth));

const runE2e = runWithChromium(CHROMIUM) ? describe : describe.skip;

runE2e('insight pictures in Chromium', () => {
  beforeAll(async () => {
    if (!CHROMIUM) throw new Error(missingChromium);
    mkdirSync(SHOTS, { recursive: true });
    execFileSync(process.execPath, ['renderer/build.mjs'], { stdio: 'ignore' });
    web = await startWeb(['--work-dir', workDir]);
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(web.url);
    await button('Use sample: folders').click();
    await waitIdle();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await rm(workDir, { recursive: true, force: true });
    expect(pageErrors).toEqual([]);
  });

  it('shows the class balance and sample faces of every class', async () => {
    await page.locator('#dataset-insight .class-row').first().waitFor({ timeout: 30_000 });
    const rows = await page.locator('#dataset-insight .class-row').count();
    expect(rows).toBe(7);
    expect((await imageWidths('#dataset-insight')).length).toBe(7 * 8);
    await expect.poll(async () => (await imageWidths('#dataset-insight')).every((w) => w === 48)).toBe(true);
    await expect
      .poll(() => page.locator('#balance-chart').evaluate((c) => (c as unknown as { width: number }).width))
      .toBeGreaterThan(100);
    await page.locator('#dataset-insight').scrollIntoViewIfNeeded();
    await shot('08-dataset-grid.png');
  });

  it('shows what PCA keeps after Preprocess', async () => {
    await page.locator('#pca').selectOption('0.95');
    await button('Preprocess Dataset').click();
    await waitIdle();
    await page.locator('#pca-insight .eigenfaces figure').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('#pca-insight .eigenfaces figure').count()).toBe(17); // mean + 16
    await expect.poll(async () => (await imageWidths('#pca-insight')).every((w) => w === 48)).toBe(true);
    const comps = await page.locator('#pca-insight .reconstructions figcaption').allTextContents();
    expect(comps.at(-1)).toBe('original');
    expect(comps.length).toBeGreaterThanOrEqual(3);
    await page.locator('#pca-insight').scrollIntoViewIfNeeded();
    await shot('09-pca.png');
  }, 180_000);

  it('opens the gallery of a clicked confusion cell, and the most confidently wrong', async () => {
    await button('Accuracy Comparison Graph').click();
    await waitIdle();
    await page.locator('figure.confusion[data-model="cnn"] button.cell').first().waitFor({ timeout: 60_000 });
    // An off-diagonal cell: a mistake, with true and predicted classes that differ.
    const cells = await page
      .locator('figure.confusion[data-model="cnn"] button.cell')
      .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { cell: string } }).dataset.cell));
    const at = cells.find((c) => c.split('-')[0] !== c.split('-')[1])!;
    const [i, j] = at.split('-').map(Number);
    const classes = (
      await page.locator('figure.confusion[data-model="cnn"] tr').first().locator('th').allTextContents()
    ).slice(1);
    const cell = page.locator(`figure.confusion[data-model="cnn"] button.cell[data-cell="${at}"]`);
    const n = Number(await cell.textContent());
    await cell.click();
    await page.locator('#gallery .gallery-item').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('#gallery h3').textContent()).toBe(`CNN: true ${classes[i]}, predicted ${classes[j]}`);
    expect(await page.locator('#gallery .gallery-item').count()).toBe(Math.min(n, 24));
    const captions = await page.locator('#gallery .gallery-item figcaption').allTextContents();
    expect(captions.every((c) => c.startsWith(`true: ${classes[i]}predicted: ${classes[j]}`))).toBe(true);
    await expect.poll(() => page.locator('#gallery p.note').textContent()).toContain(`${n} test image`);
    await page.locator('figure.confusion[data-model="rnn"] button.worst').click();
    await expect.poll(() => page.locator('#gallery h3').textContent()).toBe('RNN: most confidently wrong');
    await page.locator('#gallery .gallery-item').first().waitFor();
    const wrong = await page.locator('#gallery .gallery-item .wrong').count();
    expect(wrong).toBe(await page.locator('#gallery .gallery-item').count());
    // Thumbnails load lazily: wait for them rather than read widths of images still loading.
    await expect.poll(async () => (await imageWidths('#gallery')).every((w) => w === 48)).toBe(true);
    // At 1280x800 the log can be hidden and the tab scrolls: both matrices come fully into view.
    await button('Hide log').click();
    expect(await page.locator('#log').isVisible()).toBe(false);
    const footerTop = (await page.locator('footer').boundingBox())!.y;
    for (const slot of ['cnn', 'rnn']) {
      const m = page.locator(`figure.confusion[data-model="${slot}"]`);
      await m.scrollIntoViewIfNeeded();
      const box = (await m.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(footerTop);
    }
    // The pretrained RNN's 175 epochs draw as a line, without point markers.
    await page.locator('#chart').scrollIntoViewIfNeeded();
    await shot('11-accuracy-tab.png');
    await page.locator('#gallery').scrollIntoViewIfNeeded();
    await shot('10-gallery.png');
    await button('Show log').click();
  }, 180_000);

  it('exports the session as one HTML file', async () => {
    const download = page.waitForEvent('download');
    await button('Export report').click();
    const file = await (await download).path();
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<h2>Dataset</h2>');
    expect(html).toContain('<h2>CNN</h2>');
    expect(html).not.toMatch(/(src|href)="(?!data:|#)/);
  }, 60_000);

  it('draws the running training accuracy batch by batch while a model trains', async () => {
    await page.locator('#epochs').fill('2');
    await button('Train CNN Algorithm').click();
    const running = 'CNN training, running (per batch)';
    await expect
      .poll(
        async () =>
          JSON.parse((await page.locator('#chart').getAttribute('data-series')) ?? '[]').find(
            (x: { label: string }) => x.label === running,
          )?.points ?? 0,
        { timeout: 180_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(2);
    await waitIdle();
  }, 240_000);
});
