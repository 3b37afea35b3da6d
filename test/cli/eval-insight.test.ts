/**
 * `fer eval --gallery/--report` with the shipped CNN and RNN on the FER2013 sample:
 * the gallery holds every non-empty confusion cell with its images ranked by
 * confidence, and the report opens offline in Chromium without a single request
 * besides the file itself.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { findChromium, missingChromium, runWithChromium } from '../e2e/find-chromium.ts';
import { jsonLines, REPO, runFer } from './run-fer.ts';

const out = mkdtempSync(path.join(os.tmpdir(), 'fer-insight-'));
const GALLERY = path.join(out, 'gallery');
const REPORT = path.join(out, 'report.html');
const CHROMIUM = findChromium();
let reports: { classes: string[]; confusion: number[][]; accuracy: number }[];

beforeAll(async () => {
  const run = await runFer([
    'eval',
    '--model',
    path.join(REPO, 'models/cnn'),
    '--model',
    path.join(REPO, 'models/rnn'),
    '--data',
    path.join(REPO, 'data/fer2013-sample.csv'),
    '--gallery',
    GALLERY,
    '--report',
    REPORT,
    '--json',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  reports = jsonLines(run) as unknown as typeof reports;
}, 120_000);

describe('fer eval --gallery', () => {
  it('has a section for every non-empty cell of both matrices, its images most confident first', () => {
    expect(reports).toHaveLength(2);
    const html = readFileSync(path.join(GALLERY, 'index.html'), 'utf8');
    reports.forEach((r, m) => {
      const slot = ['cnn', 'rnn'][m];
      r.confusion.forEach((row, i) =>
        row.forEach((n, j) => {
          const at = html.indexOf(`id="${slot}-${i}-${j}"`);
          expect(at >= 0, `${slot} cell ${i},${j} with ${n} images`).toBe(n > 0);
          if (!n) return;
          const section = html.slice(at, html.indexOf('</div>', at));
          const shown = section.match(/<figure>/g) ?? [];
          expect(shown).toHaveLength(Math.min(n, 24));
          // The ranking model's confidence is the first percentage after "<label>:", descending.
          const label = slot.toUpperCase();
          const conf = [...section.matchAll(new RegExp(`${label}: \\w+ ([0-9.]+) %`, 'g'))].map((x) => Number(x[1]));
          expect(conf).toHaveLength(shown.length);
          for (let k = 1; k < conf.length; k++) expect(conf[k]).toBeLessThanOrEqual(conf[k - 1]);
        }),
      );
    });
    expect(html).toContain('Most confidently wrong');
    expect(html).not.toMatch(/(src|href)="(?!data:|#)/);
  });
});

describe.runIf(runWithChromium(CHROMIUM))('fer eval --report', () => {
  it('opens offline: no request besides the file, every image decodes', async () => {
    if (!CHROMIUM) throw new Error(missingChromium);
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const url = pathToFileURL(REPORT).href;
      const requests: string[] = [];
      await page.route('**/*', (route) => {
        requests.push(route.request().url());
        return route.request().url() === url ? route.continue() : route.abort();
      });
      await page.goto(url);
      expect(requests).toEqual([url]);
      const images = await page
        .locator('img')
        .evaluateAll((els) => els.map((e) => (e as unknown as { naturalWidth: number }).naturalWidth));
      expect(images.length).toBeGreaterThanOrEqual(2 * 16);
      expect(images.every((w) => w === 48)).toBe(true);
      expect(await page.locator('h3', { hasText: 'Per-class precision' }).count()).toBe(2);
      expect(await page.locator('svg polyline').count()).toBeGreaterThanOrEqual(2);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
