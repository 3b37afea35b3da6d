/**
 * Self-contained HTML pages of what the models confuse: the confusion gallery
 * (`fer eval --gallery`) and the report (`fer eval --report`, the app's Export
 * report). Images are inline PNG data URIs and charts inline SVG, so a page
 * opens offline and makes no network request (test/app/insight-html.test.ts
 * checks that in Chromium).
 */
import type { EvalReport } from '../core/eval/metrics.ts';
import { galleryPage, type GalleryItem, type GallerySet } from '../core/eval/gallery.ts';
import type { EpochRecord } from '../core/models/types.ts';

export interface InsightModel {
  slot: string;
  label: string;
  report: EvalReport;
  history: EpochRecord[];
  /** The exact settings, shown as a table (model folder, kind, epochs, batch, seed...). */
  settings: Record<string, unknown>;
}

export interface InsightSection {
  title: string;
  html: string;
}

export interface InsightInput {
  title: string;
  /** What the models were measured on, e.g. "PublicTest of fer2013.csv (3,589 images)". */
  on: string;
  models: InsightModel[];
  set: GallerySet;
  /** A data URI of the image at `index` of the evaluated set (made only for the images shown). */
  thumb: (index: number) => string;
  /** Sections placed before the models' (the app's dataset and preprocessing). */
  before?: InsightSection[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1f2328;max-width:1200px}
h1{font-size:1.5em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:right}
th{background:#f6f8fa}.diag{font-weight:bold}.grid{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0;width:120px;font-size:11px}figure img{width:96px;height:96px;image-rendering:pixelated;display:block}
.wrong{color:#cf222e}.note{color:#57606a}a{color:inherit}`;

/** A whole HTML document; `body` is trusted HTML built by this module. */
export function htmlDocument(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`
  );
}

function table(head: string[], rows: string[][]): string {
  return `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</table>`;
}

/** Rows: true class; columns: predicted; a cell links to its gallery section when `link`. */
export function confusionHtml(m: InsightModel, link: boolean): string {
  const { classes, confusion } = m.report;
  const rows = confusion.map((counts, i) => {
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    return [
      `<th>${escapeHtml(classes[i])}</th>`,
      ...counts.map((n, j) => {
        const style = `background:rgba(31,111,235,${((0.85 * n) / total).toFixed(3)})${n / total > 0.5 ? ';color:#fff' : ''}`;
        const text = link && n ? `<a href="#${m.slot}-${i}-${j}">${n}</a>` : String(n);
        return `<td class="${i === j ? 'diag' : ''}" style="${style}">${text}</td>`;
      }),
    ];
  });
  return (
    `<p>${escapeHtml(m.label)}: ${pct(m.report.accuracy)} correct of ${m.report.n} (rows: true class, columns: predicted)</p>` +
    table(['true \\ predicted', ...classes], rows)
  );
}

export function perClassHtml(m: InsightModel): string {
  return table(
    ['class', 'precision', 'recall', 'F1', 'support'],
    m.report.classes.map((c) => {
      const x = m.report.perClass[c];
      return [
        `<th>${escapeHtml(c)}</th>`,
        ...[x.precision, x.recall, x.f1].map((v) => `<td>${v.toFixed(3)}</td>`),
        `<td>${x.support}</td>`,
      ];
    }),
  );
}

/** Training curves as an inline SVG line chart: accuracy (%) per epoch, training and validation. */
export function curvesSvg(history: EpochRecord[]): string {
  if (!history.length) return '<p class="note">No training history (the model carries none).</p>';
  const W = 520,
    H = 220,
    L = 44,
    B = 34,
    T = 10,
    R = 10;
  const n = history.length;
  const x = (e: number): number => L + ((W - L - R) * (e - 1)) / Math.max(1, n - 1);
  const y = (a: number): number => T + (H - T - B) * (1 - a);
  const line = (vals: (number | null)[], colour: string): string => {
    const pts = vals.flatMap((v, i) => (v === null ? [] : [`${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`]));
    return pts.length ? `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts.join(' ')}"/>` : '';
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (a) =>
        `<line x1="${L}" x2="${W - R}" y1="${y(a)}" y2="${y(a)}" stroke="#eee"/><text x="${L - 4}" y="${y(a) + 4}" text-anchor="end">${a * 100}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-size="11" role="img" aria-label="accuracy per epoch">${ticks}` +
    `<text x="${L}" y="${H - 18}">1</text><text x="${W - R}" y="${H - 18}" text-anchor="end">${n}</text>` +
    `<text x="${(W + L) / 2}" y="${H - 4}" text-anchor="middle">epoch</text><text x="10" y="${(H - B) / 2}" transform="rotate(-90 10 ${(H - B) / 2})" text-anchor="middle">accuracy (%)</text>` +
    line(
      history.map((h) => h.accuracy),
      '#1f6feb',
    ) +
    line(
      history.map((h) => h.valAccuracy),
      '#cf222e',
    ) +
    `<text x="${W - R}" y="${T + 12}" text-anchor="end" fill="#1f6feb">training</text><text x="${W - R}" y="${T + 26}" text-anchor="end" fill="#cf222e">validation</text></svg>`
  );
}

function itemHtml(input: InsightInput, item: GalleryItem): string {
  const c = input.set.classes;
  const probs = input.set.slots.map((s) => {
    const label = input.models.find((m) => m.slot === s)?.label ?? s;
    const p = item.probs[s];
    const best = p.indexOf(Math.max(...p));
    return `${escapeHtml(label)}: ${escapeHtml(c[best])} ${pct(p[best])}`;
  });
  const wrong = item.predicted !== item.trueClass;
  return (
    `<figure><img alt="test image ${item.index}" src="${input.thumb(item.index)}"><figcaption>#${item.index} true <b>${escapeHtml(c[item.trueClass])}</b>, ` +
    `<span class="${wrong ? 'wrong' : ''}">predicted ${escapeHtml(c[item.predicted])}</span><br>${probs.join('<br>')}</figcaption></figure>`
  );
}

/** The most confidently wrong images of a model, `limit` of them. */
export function worstMistakesHtml(input: InsightInput, m: InsightModel, limit: number): string {
  const page = galleryPage(input.set, {
    slot: m.slot,
    trueClass: null,
    predicted: null,
    wrongOnly: true,
    offset: 0,
    limit,
  });
  if (!page.items.length) return '<p class="note">No mistakes.</p>';
  return `<p>${page.total} mistakes; the ${page.items.length} the ${escapeHtml(m.label)} was surest of:</p><div class="grid">${page.items.map((it) => itemHtml(input, it)).join('')}</div>`;
}

function settingsHtml(m: InsightModel): string {
  return table(
    ['setting', 'value'],
    Object.entries(m.settings).map(([k, v]) => [
      `<th>${escapeHtml(k)}</th>`,
      `<td style="text-align:left">${escapeHtml(typeof v === 'string' ? v : JSON.stringify(v))}</td>`,
    ]),
  );
}

/** `fer eval --gallery`: every non-empty cell of every model's matrix, most confident first (`perCell` images each). */
export function galleryHtml(input: InsightInput, perCell = 24): string {
  const parts = [
    `<h1>${escapeHtml(input.title)}</h1><p class="note">${escapeHtml(input.on)}. Click a count to see its images, sorted by the model's confidence.</p>`,
  ];
  for (const m of input.models) {
    parts.push(
      `<h2>${escapeHtml(m.label)}</h2>`,
      confusionHtml(m, true),
      '<h3>Most confidently wrong</h3>',
      worstMistakesHtml(input, m, perCell),
    );
    const k = m.report.classes.length;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const page = galleryPage(input.set, {
          slot: m.slot,
          trueClass: i,
          predicted: j,
          wrongOnly: false,
          offset: 0,
          limit: perCell,
        });
        if (!page.total) continue;
        parts.push(
          `<h3 id="${m.slot}-${i}-${j}">${escapeHtml(m.label)}: true ${escapeHtml(m.report.classes[i])}, predicted ${escapeHtml(m.report.classes[j])} ` +
            `(${page.total}${page.total > page.items.length ? `, the ${page.items.length} most confident shown` : ''})</h3><div class="grid">${page.items.map((it) => itemHtml(input, it)).join('')}</div>`,
        );
      }
    }
  }
  return htmlDocument(input.title, parts.join('\n'));
}

/** The report: the `before` sections, then per model its curves, matrix, per-class metrics, worst mistakes and settings. */
export function reportHtml(input: InsightInput, worst = 16): string {
  const parts = [
    `<h1>${escapeHtml(input.title)}</h1><p class="note">Measured on ${escapeHtml(input.on)}; written ${new Date().toISOString()}.</p>`,
  ];
  for (const s of input.before ?? []) parts.push(`<h2>${escapeHtml(s.title)}</h2>${s.html}`);
  for (const m of input.models) {
    parts.push(
      `<h2>${escapeHtml(m.label)}</h2>`,
      '<h3>Training curves</h3>',
      curvesSvg(m.history),
      '<h3>Confusion matrix</h3>',
      confusionHtml(m, false),
      '<h3>Per-class precision, recall, F1</h3>',
      perClassHtml(m),
      '<h3>Worst mistakes</h3>',
      worstMistakesHtml(input, m, worst),
      '<h3>Settings</h3>',
      settingsHtml(m),
    );
  }
  return htmlDocument(input.title, parts.join('\n'));
}
