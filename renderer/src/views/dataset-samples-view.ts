/**
 * The Dataset tab's pictures: sample faces of each class and the class balance
 * as a bar chart, the rare class flagged. Fetched once per loaded dataset.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Title, Tooltip } from 'chart.js';
import type { DatasetSamplesResult, SessionSnapshot } from '../../../src/contract/contract.ts';
import { el } from '../format.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title, Tooltip);

const PER_CLASS = 8;

export class DatasetSamplesView {
  private key = '';
  private chart: Chart<'bar'> | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly fetch: (perClass: number) => Promise<DatasetSamplesResult>,
  ) {}

  update(snap: SessionSnapshot | null): void {
    const d = snap?.dataset;
    const key = d ? `${d.name}|${d.count}|${d.classes.join(',')}` : '';
    if (key === this.key) return;
    this.key = key;
    this.chart?.destroy();
    this.chart = null;
    this.root.replaceChildren();
    if (!d) return;
    void this.fetch(PER_CLASS).then(
      (r) => {
        if (this.key === key) this.draw(r);
      },
      () => undefined,
    );
  }

  private draw(r: DatasetSamplesResult): void {
    const box = el('div', undefined, 'chart-box balance');
    const canvas = el('canvas');
    canvas.id = 'balance-chart';
    box.append(canvas);
    const rareNote = r.rare
      ? el(
          'p',
          `Rare class: ${r.rare} has under half the mean number of images per class; a model can ignore it at little cost to accuracy, so read its recall, not only the accuracy.`,
          'rare-note',
        )
      : null;
    const grid = el('div', undefined, 'class-grid');
    for (const c of r.classes) {
      const row = el('div', undefined, c.name === r.rare ? 'class-row rare' : 'class-row');
      row.dataset.class = c.name;
      row.append(el('span', `${c.name} (${c.count})`, 'class-name'));
      for (const uri of c.images) {
        const img = el('img');
        img.src = uri;
        img.alt = c.name;
        row.append(img);
      }
      grid.append(row);
    }
    this.root.append(
      el('h3', 'Class balance'),
      box,
      ...(rareNote ? [rareNote] : []),
      el('h3', `Sample faces (first ${PER_CLASS} of each class)`),
      grid,
    );
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: r.classes.map((c) => c.name),
        datasets: [
          {
            label: 'images',
            data: r.classes.map((c) => c.count),
            backgroundColor: r.classes.map((c) => (c.name === r.rare ? '#cf222e' : '#1f6feb')),
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          title: {
            display: true,
            text: r.rare ? `Images per class (rare class in red: ${r.rare})` : 'Images per class',
          },
        },
        scales: {
          x: { title: { display: true, text: 'class' } },
          y: { beginAtZero: true, title: { display: true, text: 'images (count)' } },
        },
      },
    });
  }
}
