/**
 * End-to-end: web mode (`src/server/main.ts`, as `npm run web` starts it) driven
 * in headless Debian Chromium like a user: the six buttons by their labels,
 * uploads through the file chooser, two models trained for 2 epochs, a
 * cancelled run, the comparison, and predictions on real photos. Saves the
 * README's screenshots to docs/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, findChromium, missingChromium, runWithChromium } from './find-chromium.ts';
import { startWeb, type RunningWeb } from './start-web.ts';

const CHROMIUM = findChromium();
const SAMPLES = path.resolve('../shared/datasets/samples');
const PHOTOS = path.resolve('../shared/photos');
// The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; other runs (CI, a
// developer's `npm test`) save them to a temp folder so the working tree stays clean.
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve('docs/screenshots')
    : path.join(os.tmpdir(), 'fer-e2e-screenshots');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'fer-e2e-'));

let web: RunningWeb;
let browser: Browser;
let page: Page;
/** Uncaught errors in the page since the last test: each fails the test it happened in. */
let pageErrors: string[] = [];

const button = (label: string) => page.getByRole('button', { name: label, exact: true });
const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, name), fullPage: false });

async function waitForLog(text: string | RegExp, timeout = 120_000): Promise<void> {
  await page.locator('#log .log-line', { hasText: text }).first().waitFor({ timeout });
}

/** Waits until no job runs (the Upload button is enabled only when the backend is idle). */
async function waitIdle(timeout = 180_000): Promise<void> {
  await expect.poll(() => button('Upload Facial Emotion Dataset').isEnabled(), { timeout, interval: 250 }).toBe(true);
}

async function chooseFiles(buttonLabel: string, files: string[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await button(buttonLabel).click();
  await (await chooser).setFiles(files);
}

async function chartSeries(): Promise<Record<string, number>> {
  const raw = await page.locator('#chart').getAttribute('data-series');
  return Object.fromEntries(
    (JSON.parse(raw ?? '[]') as { label: string; points: number }[]).map((s) => [s.label, s.points]),
  );
}

/** Per test: training on two busy cores can take minutes. */
const LONG = 300_000;

/**
 * Pixels of `colour` (#rrggbb, within 40 per channel, mostly opaque) on the canvas `selector`, and
 * how far across the canvas they spread (0..1): what a user sees, not what the app says it drew.
 */
async function colourOnCanvas(selector: string, colour: string): Promise<{ count: number; spread: number }> {
  return page.locator(selector).evaluate((el, hex) => {
    // Runs in the page: DOM types are not in the Node test's type scope.
    const c = el as unknown as {
      width: number;
      height: number;
      getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    };
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let count = 0,
      minX = Infinity,
      maxX = -Infinity;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] < 200 || want.some((v, k) => Math.abs(px[i + k] - v) > 40)) continue;
      count++;
      const x = (i / 4) % c.width;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
    }
    return { count, spread: count ? (maxX - minX) / c.width : 0 };
  }, colour);
}

/** Most pixels of the label rectangle's edge rows (canvas data-labels, [x, y, w, h]) are `colour`. */
async function labelFilled(selector: string, colour: string): Promise<number> {
  return page.locator(selector).evaluate((el, hex) => {
    const c = el as unknown as {
      dataset: { labels?: string };
      getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    };
    const [x, y, w, h] = (JSON.parse(c.dataset.labels ?? '[]') as number[][])[0] ?? [0, 0, 0, 0];
    if (w < 4 || h < 4) return 0;
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const g = c.getContext('2d');
    let match = 0,
      total = 0;
    for (const row of [y + 1, y + h - 2]) {
      const px = g.getImageData(x + 1, row, w - 2, 1).data;
      for (let i = 0; i < px.length; i += 4, total++) if (want.every((v, k) => Math.abs(px[i + k] - v) <= 40)) match++;
    }
    return match / total;
  }, colour);
}

// Colours from renderer/src/views/chart-view.ts (one per model) and face-overlay.ts (the first face).
const CNN_COLOUR = '#1f6feb';
const RNN_COLOUR = '#d1481f';
const FIRST_FACE_COLOUR = '#2ea043';

const runE2e = runWithChromium(CHROMIUM) ? describe : describe.skip;

runE2e('FER Studio web mode in Chromium', () => {
  beforeAll(async () => {
    if (!CHROMIUM) throw new Error(missingChromium);
    mkdirSync(SHOTS, { recursive: true });
    execFileSync(process.execPath, ['renderer/build.mjs'], { stdio: 'ignore' });
    // No pretrained models: the test proves the whole path from upload to prediction.
    web = await startWeb(['--work-dir', workDir, '--no-pretrained']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(web.url);
    await waitForLog(/backend ready: TensorFlow.js on/, 60_000);
  }, 120_000);

  afterEach(() => {
    const errors = pageErrors;
    pageErrors = [];
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  it(
    'shows the six buttons, gated with reasons',
    async () => {
      for (const label of [
        'Upload Facial Emotion Dataset',
        'Preprocess Dataset',
        'Train CNN Algorithm',
        'Train RNN Algorithm',
        'Accuracy Comparison Graph',
        'Predict Facial Expression',
      ]) {
        await expect.poll(() => button(label).count()).toBe(1);
      }
      // Enabled once the backend is idle (it may still be finishing its start-up work).
      await waitIdle(60_000);
      expect(await button('Preprocess Dataset').isDisabled()).toBe(true);
      expect(await button('Preprocess Dataset').getAttribute('title')).toBe('Upload a dataset first');
      expect(await button('Train CNN Algorithm').getAttribute('title')).toMatch(/preprocess/i);
      expect(await button('Predict Facial Expression').getAttribute('title')).toMatch(/No model yet/);
      await expect.poll(() => page.locator('#sample-list li').count()).toBe(3);
    },
    LONG,
  );

  it(
    'uploads the CSV sample and the paper-format sample through the file chooser',
    async () => {
      await chooseFiles('Upload Facial Emotion Dataset', [path.join(SAMPLES, 'fer2013-sample.csv')]);
      await waitForLog('Dataset loaded: fer2013-sample.csv');
      await waitForLog('910 images of 48x48 gray');
      await waitIdle();
      // Drag-and-drop onto the Upload area: the small CSV shipped in data/.
      const dropped = await page.evaluateHandle(
        (text) => {
          // Runs in the page: DOM types are not in the Node test's type scope.
          const g = globalThis as unknown as {
            DataTransfer: new () => { items: { add(f: unknown): void } };
            File: new (parts: string[], name: string, o: object) => unknown;
          };
          const dt = new g.DataTransfer();
          dt.items.add(new g.File([text], 'fer2013-sample.csv', { type: 'text/csv' }));
          return dt;
        },
        readFileSync('data/fer2013-sample.csv', 'utf8'),
      );
      await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: dropped });
      await waitForLog('168 images of 48x48 gray');
      await waitIdle();
      const paper = ['X.txt.npy', 'Y.txt.npy', 'labels.json'].map((f) => path.join(SAMPLES, 'paper-format', f));
      await chooseFiles('Upload Facial Emotion Dataset', paper);
      await waitForLog('Dataset loaded: X.txt.npy (+ Y.txt.npy, labels.json)');
      await waitForLog('700 images of 32x32 RGB');
      await waitIdle();
      expect(await button('Preprocess Dataset').isEnabled()).toBe(true);
      await shot('01-upload.png');
    },
    LONG,
  );

  it(
    'preprocesses with PCA and narrates features before and after',
    async () => {
      // 32x32 like the reference application: the CNN trains about twice as fast as at 48x48.
      await page.selectOption('#size', '32');
      await button('Preprocess Dataset').click();
      await waitForLog(/features before PCA: 1024 \(3072 in the data\), after PCA: \d+ components/);
      await waitIdle();
      await expect
        .poll(() => page.locator('#dataset-summary').textContent())
        .toMatch(/train \d+ \/ validation \d+ \/ test \d+/);
      await shot('02-preprocess.png');
    },
    LONG,
  );

  it(
    'trains the CNN for 2 epochs with a live chart, refusing other work meanwhile',
    async () => {
      await page.fill('#epochs', '2');
      await page.fill('#batch', '64');
      await button('Train CNN Algorithm').click();
      await expect.poll(() => button('Train RNN Algorithm').getAttribute('title')).toMatch(/training cnn is running/);
      await expect
        .poll(() => page.locator('#status-line').textContent(), { timeout: 120_000 })
        .toMatch(/CNN epoch 1\/2, batch/);
      // Once a few batches are done, the progress bar says how long is left.
      await expect
        .poll(() => page.locator('#time-left').textContent(), { timeout: 120_000 })
        .toMatch(/^about \d+ ?\w+.* left$/);
      await waitForLog(/CNN epoch 2\/2: training accuracy/, 240_000);
      await waitForLog(/CNN test accuracy: [\d.]+ % on the test split/);
      await waitIdle();
      expect(await chartSeries()).toMatchObject({ 'CNN training': 2, 'CNN validation': 2 });
    },
    LONG,
  );

  it(
    'cancels an RNN run, then trains the RNN for 2 epochs',
    async () => {
      await button('Train RNN Algorithm').click();
      await expect
        .poll(() => page.locator('#status-line').textContent(), { timeout: 60_000 })
        .toMatch(/RNN epoch 1\/2, batch/);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await waitForLog('Training RNN cancelled');
      await waitIdle();
      await button('Train RNN Algorithm').click();
      await waitForLog(/RNN epoch 1\/2: training accuracy/, 180_000);
      // Mid-run: the CNN's finished lines, the RNN's first epoch, the progress bar and Cancel.
      await expect
        .poll(() => page.locator('#status-line').textContent(), { timeout: 60_000 })
        .toMatch(/RNN epoch 2\/2, batch/);
      await shot('03-training.png');
      await waitForLog(/RNN epoch 2\/2: training accuracy/, 180_000);
      await waitForLog(/RNN test accuracy/);
      await waitIdle();
      const series = await chartSeries();
      expect(series).toMatchObject({ 'CNN training': 2, 'CNN validation': 2, 'RNN training': 2, 'RNN validation': 2 });
      // And the chart shows them: each model's colour drawn across the plot (lines from epoch 1 to 2), not only in the legend.
      for (const colour of [CNN_COLOUR, RNN_COLOUR]) {
        const drawn = await colourOnCanvas('#chart', colour);
        expect(drawn.count, colour).toBeGreaterThan(500);
        expect(drawn.spread, colour).toBeGreaterThan(0.5);
      }
    },
    LONG,
  );

  it(
    'compares the models on the test split and exports the numbers',
    async () => {
      await button('Accuracy Comparison Graph').click();
      await waitIdle();
      await expect.poll(() => page.locator('#comparison figure.confusion').count()).toBe(2);
      const table = await page.locator('#comparison table.summary').textContent();
      expect(table).toMatch(/CNN[\d.]+ %/);
      expect(table).toMatch(/RNN[\d.]+ %/);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Save numbers as CSV' }).click();
      const csv = readFileSync((await (await download).path())!, 'utf8');
      expect(csv).toMatch(/^model,epoch,train_accuracy/);
      expect(csv.split('\n').filter((l) => /^(CNN|RNN),[12],/.test(l))).toHaveLength(4);
      await page.locator('#view-chart').scrollIntoViewIfNeeded();
      await shot('04-comparison.png');
    },
    LONG,
  );

  it(
    'predicts a photo: one face box and 7 probabilities per model',
    async () => {
      await chooseFiles('Predict Facial Expression', [path.join(PHOTOS, 'astronaut.png')]);
      await expect
        .poll(() => page.locator('#prediction canvas.photo').getAttribute('data-faces'), { timeout: 60_000 })
        .toBe('1');
      // What a user sees: a box in the first face's colour on the photo, and its label drawn filled in that colour.
      expect((await colourOnCanvas('#prediction canvas.photo', FIRST_FACE_COLOUR)).count).toBeGreaterThan(200);
      expect(await labelFilled('#prediction canvas.photo', FIRST_FACE_COLOUR)).toBeGreaterThan(0.9);
      const columns = page.locator('#prediction .prob-column');
      expect(await columns.count()).toBe(2);
      for (const model of ['cnn', 'rnn'])
        expect(await page.locator(`#prediction .prob-column[data-model="${model}"] .prob-row`).count()).toBe(7);
      expect(await page.locator('#prediction .face h3').textContent()).toMatch(/Face 1: CNN says \w+, RNN says \w+/);
      await shot('05-predict.png');
    },
    LONG,
  );

  it(
    'says clearly when no face is found, and can classify the whole image',
    async () => {
      await chooseFiles('Predict Facial Expression', [path.join(PHOTOS, 'chelsea.png')]);
      await page
        .locator('#prediction .no-face', { hasText: 'No face found in chelsea.png.' })
        .waitFor({ timeout: 60_000 });
      await shot('06-no-face.png');
      await page.getByRole('button', { name: 'Classify the whole image instead' }).click();
      await page.locator('#prediction', { hasText: 'the whole image was classified' }).waitFor({ timeout: 60_000 });
      expect(await page.locator('#prediction .prob-column[data-model="cnn"] .prob-row').count()).toBe(7);
    },
    LONG,
  );
});
