/** Test accuracy of each model and its confusion matrix (rows: true class, columns: predicted). */
import { MODEL_LABELS, MODEL_SLOTS, type SessionSnapshot, type TestReport } from '../../../src/contract/contract.ts';
import { el, pct } from '../format.ts';

export function renderComparison(root: HTMLElement, snap: SessionSnapshot | null): void {
  root.replaceChildren();
  if (!snap) return;
  const reports = MODEL_SLOTS.flatMap((s) => (snap.reports[s] ? [snap.reports[s]!] : []));
  if (!reports.length) {
    const why = !snap.preprocessed ? 'Test accuracy needs a preprocessed dataset: upload and preprocess one, then click Accuracy Comparison Graph again.'
      : snap.preprocessed.counts.test === 0 ? 'The preprocessed dataset has no test images.' : 'Click Accuracy Comparison Graph to measure the models on the test split.';
    root.append(el('p', why, 'note'));
    return;
  }
  const summary = el('table', undefined, 'summary');
  summary.append(row('th', ['Model', 'Test accuracy', 'Test images', 'Measured on']));
  for (const r of reports) summary.append(row('td', [MODEL_LABELS[r.slot], pct(r.accuracy), String(r.n), r.on]));
  root.append(el('h3', 'Held-out test accuracy'), summary);
  const grid = el('div', undefined, 'matrices');
  for (const r of reports) grid.append(confusion(r));
  root.append(grid);
}

function row(cell: 'td' | 'th', values: string[]): HTMLTableRowElement {
  const tr = el('tr');
  for (const v of values) tr.append(el(cell, v));
  return tr;
}

function confusion(r: TestReport): HTMLElement {
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
      tr.append(td);
    });
    table.append(tr);
  });
  box.append(el('figcaption', `${MODEL_LABELS[r.slot]} confusion matrix — ${pct(r.accuracy)} correct`), table);
  return box;
}
