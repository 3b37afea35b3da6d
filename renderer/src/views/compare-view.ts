/** Test accuracy of each model and its confusion matrix (rows: true class, columns: predicted). */
import { MODEL_LABELS, MODEL_SLOTS, type SessionSnapshot, type TestReport } from '../../../src/contract/contract.ts';
import { el, pct } from '../format.ts';
import type { GalleryQuery } from './gallery-view.ts';

/** Opens the confusion gallery for a clicked cell (or a model's worst mistakes). */
export type OpenGallery = (q: GalleryQuery, classes: string[]) => void;

export function renderComparison(root: HTMLElement, snap: SessionSnapshot | null, openGallery: OpenGallery): void {
  root.replaceChildren();
  if (!snap) return;
  const reports = MODEL_SLOTS.flatMap((s) => (snap.reports[s] ? [snap.reports[s]!] : []));
  if (!reports.length) {
    const why = !snap.preprocessed
      ? 'Test accuracy needs a preprocessed dataset: upload and preprocess one, then click Accuracy Comparison Graph again.'
      : snap.preprocessed.counts.test === 0
        ? 'The preprocessed dataset has no test images.'
        : 'Click Accuracy Comparison Graph to measure the models on the test split.';
    root.append(el('p', why, 'note'));
    return;
  }
  const summary = el('table', undefined, 'summary');
  summary.append(row('th', ['Model', 'Test accuracy', 'Test images', 'Measured on']));
  for (const r of reports) summary.append(row('td', [MODEL_LABELS[r.slot], pct(r.accuracy), String(r.n), r.on]));
  root.append(el('h3', 'Held-out test accuracy'), summary);
  const grid = el('div', undefined, 'matrices');
  for (const r of reports) grid.append(confusion(r, openGallery));
  root.append(el('p', 'Click a count to see its test images, most confident first.', 'note'), grid);
}

function row(cell: 'td' | 'th', values: string[]): HTMLTableRowElement {
  const tr = el('tr');
  for (const v of values) tr.append(el(cell, v));
  return tr;
}

function confusion(r: TestReport, openGallery: OpenGallery): HTMLElement {
  const box = el('figure', undefined, 'confusion');
  box.dataset.model = r.slot;
  const table = el('table');
  table.append(row('th', ['true \\ predicted', ...r.classes]));
  r.confusion.forEach((counts, i) => {
    const tr = el('tr');
    tr.append(el('th', r.classes[i]));
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    counts.forEach((n, j) => {
      const td = el('td', String(n), i === j ? 'diag' : undefined);
      // Shade by the share of the true class: CSSOM styles are allowed by the CSP.
      td.style.backgroundColor = `rgba(31, 111, 235, ${(0.85 * n) / total})`;
      if (n / total > 0.5) td.style.color = '#fff';
      if (n > 0) {
        const b = el('button', String(n), 'cell');
        b.type = 'button';
        b.title = `${n} test image(s): true ${r.classes[i]}, predicted ${r.classes[j]} — show them`;
        b.dataset.cell = `${i}-${j}`;
        b.onclick = () => openGallery({ slot: r.slot, trueClass: i, predicted: j, wrongOnly: false }, r.classes);
        td.replaceChildren(b);
      }
      tr.append(td);
    });
    table.append(tr);
  });
  const worst = el('button', 'Most confidently wrong', 'worst');
  worst.type = 'button';
  worst.onclick = () => openGallery({ slot: r.slot, trueClass: null, predicted: null, wrongOnly: true }, r.classes);
  box.append(el('figcaption', `${MODEL_LABELS[r.slot]} confusion matrix — ${pct(r.accuracy)} correct`), table, worst);
  return box;
}
