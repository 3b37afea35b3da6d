/**
 * The Live Camera end to end, as a user runs it: web mode (`npm run web`'s
 * server, shipped models) and headless Debian Chromium whose camera plays a
 * 640x480 Y4M video built from the shared astronaut photo with 1, 2 and 4
 * faces. Per scenario: frames drawn per second over --seconds (after a 3 s
 * warm-up), capture -> labels drawn latency p50/p95 for every frame (the page's
 * 'fer-live-frame' event), and the CPU the server process and Chromium used
 * (% of one core, from /proc). Then what a frame costs to send: a JPEG against
 * raw RGBA, round trips of the same video frame, alternating.
 *
 * --soak-minutes N: one face for N minutes instead, sampling every 30 s the
 * server's RSS, the backend's live tfjs tensors and Chromium's JS heap (after
 * a forced GC), and counting frame errors; growth is judged after minute 1.
 *
 *   npx tsx bench/live.ts [--seconds 20] [--soak-minutes 10] [--json-out FILE]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, findChromium, missingChromium } from '../test/e2e/find-chromium.ts';
import { startWeb, type RunningWeb } from '../test/e2e/start-web.ts';
import { writeY4m, type Placement } from '../test/e2e/y4m.ts';
import { machineInfo, printRows, writeResult, type BenchRow } from './lib/result.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    'soak-minutes': { type: 'string' },
    'json-out': { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const SOAK_MIN = values['soak-minutes'] ? Number(values['soak-minutes']) : null;
const CHROMIUM = findChromium() ?? '';
if (!CHROMIUM) {
  console.error(`live: ${missingChromium}`);
  process.exit(1);
}
const ASTRONAUT = path.resolve('../shared/photos/astronaut.png');
/** Clock ticks per second in /proc's CPU times (USER_HZ, 100 on Linux). */
const TICK = 100;

const SCENES: Record<number, Placement[]> = {
  1: [{ photo: ASTRONAUT, side: 400, left: 120, top: 40 }],
  2: [
    { photo: ASTRONAUT, side: 300, left: 10, top: 90 },
    { photo: ASTRONAUT, side: 300, left: 330, top: 90, flop: true },
  ],
  4: [0, 1, 2, 3].map((i) => ({
    photo: ASTRONAUT,
    side: 240,
    left: 60 + (i % 2) * 280,
    top: (i >> 1) * 240,
    flop: i % 3 === 0,
  })),
};

/** CPU seconds used so far by `pid` and every process below it. */
function cpuSeconds(pid: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      ticks.set(Number(d), Number(f[11]) + Number(f[12]));
    } catch {
      /* gone meanwhile */
    }
  }
  let sum = 0;
  for (const [p, t] of ticks) {
    for (let q: number | undefined = p; q; q = parent.get(q))
      if (q === pid) {
        sum += t;
        break;
      }
  }
  return sum / TICK;
}

/** The Chromium started for `video`: the process with its fake-camera flag whose parent lacks it. */
function chromiumPid(video: string): number {
  const flag = `--use-file-for-fake-video-capture=${video}`;
  const has = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(flag);
    } catch {
      return false;
    }
  };
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || !has(Number(d))) continue;
    const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    if (!has(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))) return Number(d);
  }
  return 0;
}

const rssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

interface FrameEvent {
  latencyMs: number;
  captureMs: number;
  requestMs: number;
  drawMs: number;
  faces: number;
  tensors: number;
  timings: { decode: number; detect: number; classify: number; total: number };
}

async function openLive(web: RunningWeb, video: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      '--enable-precise-memory-info',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(web.url);
  await page
    .locator('#log .log-line', { hasText: /backend ready/ })
    .first()
    .waitFor({ timeout: 120_000 });
  const live = page.getByRole('button', { name: 'Live Camera', exact: true });
  for (let i = 0; i < 600 && !(await live.isEnabled()); i++) await page.waitForTimeout(100);
  // Collects every drawn frame's figures and every frame error, from before the camera starts.
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      __frames: unknown[];
      __errors: unknown[];
      document: {
        getElementById(id: string): { addEventListener(t: string, f: (e: { detail: unknown }) => void): void };
      };
    };
    g.__frames = [];
    g.__errors = [];
    const overlay = g.document.getElementById('live-overlay');
    overlay.addEventListener('fer-live-frame', (e) => g.__frames.push(e.detail));
    overlay.addEventListener('fer-live-error', (e) => g.__errors.push(e.detail));
  });
  await live.click();
  return { browser, page };
}

const takeFrames = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as { __frames: unknown[] };
    const f = g.__frames;
    g.__frames = [];
    return f;
  }) as Promise<FrameEvent[]>;
const errorCount = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __errors: unknown[] }).__errors.length);
const quantile = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const r1 = (x: number) => Math.round(x * 10) / 10;

async function scenario(web: RunningWeb, faces: number, video: string): Promise<BenchRow[]> {
  const { browser, page } = await openLive(web, video);
  try {
    await page.waitForTimeout(3000);
    await takeFrames(page);
    const chromePid = chromiumPid(video);
    const c0 = { server: cpuSeconds(web.child.pid!), chrome: cpuSeconds(chromePid), t: performance.now() };
    await page.waitForTimeout(SECONDS * 1000);
    const frames = await takeFrames(page);
    const wall = (performance.now() - c0.t) / 1000;
    const cpu = {
      server: (100 * (cpuSeconds(web.child.pid!) - c0.server)) / wall,
      chrome: (100 * (cpuSeconds(chromePid) - c0.chrome)) / wall,
    };
    const lat = frames.map((f) => f.latencyMs);
    const fps = frames.length / wall;
    const found = frames.length
      ? quantile(
          frames.map((f) => f.faces),
          0.5,
        )
      : 0;
    const stage = (k: keyof FrameEvent['timings']) =>
      r1(
        quantile(
          frames.map((f) => f.timings[k]),
          0.5,
        ),
      );
    const inPage = (k: 'captureMs' | 'requestMs' | 'drawMs') =>
      r1(
        quantile(
          frames.map((f) => f[k]),
          0.5,
        ),
      );
    const notes = `${frames.length} frames in ${wall.toFixed(0)} s; faces found (median) ${found}/${faces}; page p50: capture + JPEG ${inPage('captureMs')} ms, request ${inPage('requestMs')} ms, tracking + drawing ${inPage('drawMs')} ms; backend stages p50: decode ${stage('decode')} ms, detect ${stage('detect')} ms, classify ${stage('classify')} ms; CPU: server ${cpu.server.toFixed(0)} %, Chromium ${cpu.chrome.toFixed(0)} % of one core; errors ${await errorCount(page)}`;
    const label = `live ${faces} face${faces > 1 ? 's' : ''} 640x480, CNN+RNN`;
    const one = faces === 1;
    return [
      {
        name: `${label}: frames/s`,
        unit: 'frames/s',
        ours: r1(fps),
        baseline: null,
        baselineName: null,
        speedup: null,
        target: one ? '>= 15 frames/s' : 'report',
        met: one ? fps >= 15 : null,
        notes,
      },
      {
        name: `${label}: latency p50`,
        unit: 'ms',
        ours: Math.round(quantile(lat, 0.5)),
        baseline: null,
        baselineName: null,
        speedup: null,
        target: 'report',
        met: null,
      },
      {
        name: `${label}: latency p95`,
        unit: 'ms',
        ours: Math.round(quantile(lat, 0.95)),
        baseline: null,
        baselineName: null,
        speedup: null,
        target: one ? '<= 100 ms' : 'report',
        met: one ? quantile(lat, 0.95) <= 100 : null,
      },
      {
        name: `${label}: CPU (server + Chromium)`,
        unit: '% of one core',
        ours: Math.round(cpu.server + cpu.chrome),
        baseline: null,
        baselineName: null,
        speedup: null,
        target: 'report',
        met: null,
        notes: `server ${cpu.server.toFixed(0)} %, Chromium ${cpu.chrome.toFixed(0)} %`,
      },
    ];
  } finally {
    await browser.close();
  }
}

/** The same video frame sent as JPEG and as RGBA, alternating, through the page's own HTTP route: encode + round trip. */
async function transport(web: RunningWeb, video: string): Promise<BenchRow[]> {
  const { browser, page } = await openLive(web, video);
  try {
    await page.waitForTimeout(2000);
    // The live view stops, so nothing else is sent meanwhile; the page opens the camera itself.
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    type Sent = { encode: number; total: number; decode: number; chars: number; ok: boolean };
    // Runs in the page (a string: this file's type scope has no DOM).
    const r = (await page.evaluate(`(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      await video.play();
      await new Promise((r) => setTimeout(r, 500));
      const c = document.createElement('canvas');
      c.width = 640; c.height = 480;
      const ctx = c.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, 640, 480);
      const b64 = (bytes) => { let s = ''; for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000)); return btoa(s); };
      const send = async (format) => {
        const t0 = performance.now();
        const image = format === 'jpeg' ? c.toDataURL('image/jpeg', 0.8).split(',')[1] : b64(ctx.getImageData(0, 0, 640, 480).data);
        const t1 = performance.now();
        const res = await fetch('/api/request/liveFrame', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image, format, width: 640, height: 480 }) });
        const body = await res.json();
        return { encode: t1 - t0, total: performance.now() - t0, decode: body.ok ? body.value.timings.decode : NaN, chars: image.length, ok: body.ok };
      };
      const out = { jpeg: [], rgba: [] };
      for (let i = 0; i < 24; i++) for (const f of i % 2 ? ['rgba', 'jpeg'] : ['jpeg', 'rgba']) out[f].push(await send(f));
      stream.getTracks().forEach((t) => t.stop());
      return out;
    })()`)) as Record<'jpeg' | 'rgba', Sent[]>;
    const rows: BenchRow[] = [];
    for (const f of ['jpeg', 'rgba'] as const) {
      const xs = r[f].filter((x) => x.ok);
      const med = (k: 'encode' | 'total' | 'decode') =>
        r1(
          quantile(
            xs.map((x) => x[k]),
            0.5,
          ),
        );
      rows.push({
        name: `live frame as ${f === 'jpeg' ? 'JPEG (quality 0.8)' : 'raw RGBA'}, 640x480: encode + send + analyse`,
        unit: 'ms',
        ours: med('total'),
        baseline: null,
        baselineName: null,
        speedup: null,
        target: 'choose the faster',
        met: null,
        notes: `median of ${xs.length}; page encode ${med('encode')} ms, backend decode ${med('decode')} ms, ${Math.round(xs[0]?.chars / 1024)} K base64 characters`,
      });
    }
    return rows;
  } finally {
    await browser.close();
  }
}

async function soak(web: RunningWeb, video: string, minutes: number): Promise<BenchRow[]> {
  const { browser, page } = await openLive(web, video);
  const cdp = await page.context().newCDPSession(page);
  const samples: { min: number; rss: number; tensors: number; heap: number; frames: number }[] = [];
  const t0 = performance.now();
  let frames = 0;
  try {
    while (performance.now() - t0 < minutes * 60_000) {
      await page.waitForTimeout(30_000);
      const got = await takeFrames(page);
      frames += got.length;
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await page.evaluate(
        () =>
          (globalThis as unknown as { performance: { memory: { usedJSHeapSize: number } } }).performance.memory
            .usedJSHeapSize /
          2 ** 20,
      );
      const s = {
        min: (performance.now() - t0) / 60_000,
        rss: rssMb(web.child.pid!),
        tensors: got.at(-1)?.tensors ?? NaN,
        heap,
        frames: got.length,
      };
      samples.push(s);
      console.log(
        `soak ${s.min.toFixed(1)} min: server RSS ${s.rss.toFixed(0)} MB, tensors ${s.tensors}, page heap ${s.heap.toFixed(1)} MB, ${(s.frames / 30).toFixed(1)} frames/s`,
      );
    }
    const errors = await errorCount(page);
    const after = samples.filter((s) => s.min >= 1);
    const growth = (k: 'rss' | 'tensors' | 'heap') =>
      after.length > 1 ? (Math.max(...after.map((s) => s[k])) - after[0][k]) / after[0][k] : NaN;
    const row = (k: 'rss' | 'tensors' | 'heap', what: string, unit: string): BenchRow => ({
      name: `live soak ${minutes} min, 1 face: ${what} growth after minute 1`,
      unit: '%',
      ours: r1(100 * growth(k)),
      baseline: null,
      baselineName: null,
      speedup: null,
      target: '<= 5 %',
      met: growth(k) <= 0.05,
      notes: `${after[0]?.[k].toFixed(1)} -> ${after.at(-1)?.[k].toFixed(1)} ${unit} (max ${Math.max(...after.map((s) => s[k])).toFixed(1)}); ${frames} frames, ${errors} frame errors`,
    });
    return [
      row('rss', 'server RSS', 'MB'),
      row('tensors', 'backend tfjs tensors', 'tensors'),
      row('heap', 'page JS heap', 'MB'),
      {
        name: `live soak ${minutes} min, 1 face: frame errors`,
        unit: 'errors',
        ours: errors,
        baseline: null,
        baselineName: null,
        speedup: null,
        target: '0',
        met: errors === 0,
        notes: `${frames} frames`,
      },
    ];
  } finally {
    await browser.close();
  }
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-bench-live-'));
let web: RunningWeb | null = null;
try {
  const videos: Record<number, string> = {};
  for (const n of [1, 2, 4]) {
    videos[n] = path.join(tmp, `faces-${n}.y4m`);
    await writeY4m(
      videos[n],
      Array.from({ length: 10 }, () => SCENES[n]),
      30,
    );
  }
  execFileSync(process.execPath, ['renderer/build.mjs'], { stdio: 'ignore' });
  web = await startWeb(['--work-dir', path.join(tmp, 'work')]);
  console.log(
    `live: web mode at ${web.url}; Chromium ${CHROMIUM}; load average ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
  const rows: BenchRow[] = [];
  if (SOAK_MIN) rows.push(...(await soak(web, videos[1], SOAK_MIN)));
  else {
    for (const n of [1, 2, 4]) rows.push(...(await scenario(web, n, videos[n])));
    rows.push(...(await transport(web, videos[1])));
  }
  printRows(rows);
  writeResult({
    bench: SOAK_MIN ? 'live-soak' : 'live',
    date: new Date().toISOString(),
    machine: machineInfo(),
    backend: 'web mode + Chromium',
    rows,
  });
} finally {
  await web?.stop();
  rmSync(tmp, { recursive: true, force: true });
}
