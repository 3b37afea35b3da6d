/** One model's class probabilities as labelled bars; built once, updated in place (the live view redraws it every frame). */
import { MODEL_LABELS, type ModelSlot } from '../../../src/contract/contract.ts';
import { el, pct } from '../format.ts';

export class ProbBars {
  readonly element: HTMLElement;
  private readonly rows: { row: HTMLElement; fill: HTMLElement; val: HTMLElement }[] = [];

  constructor(
    slot: ModelSlot,
    private readonly classes: string[],
  ) {
    this.element = el('div', undefined, 'prob-column');
    this.element.dataset.model = slot;
    this.element.append(el('h4', MODEL_LABELS[slot]));
    for (const cls of classes) {
      const row = el('div', undefined, 'prob-row');
      const bar = el('span', undefined, 'bar');
      const fill = el('span', undefined, 'fill');
      const val = el('span', '', 'val');
      bar.append(fill);
      row.append(el('span', cls, 'cls'), bar, val);
      this.element.append(row);
      this.rows.push({ row, fill, val });
    }
  }

  update(probabilities: number[]): void {
    const top = probabilities.reduce((b, p, i) => (p > probabilities[b] ? i : b), 0);
    this.rows.forEach((r, i) => {
      const p = probabilities[i] ?? 0;
      r.fill.style.width = `${(p * 100).toFixed(1)}%`;
      r.val.textContent = pct(p);
      r.row.classList.toggle('top', i === top);
    });
  }

  get classNames(): readonly string[] {
    return this.classes;
  }
}
