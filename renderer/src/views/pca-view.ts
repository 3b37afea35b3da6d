/**
 * What PCA keeps, after Preprocess: the cumulative explained variance with the
 * chosen cut marked, the mean face, the first eigenfaces and one test face
 * reconstructed from more and more components.
 */
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip } from 'chart.js';
import type { PcaPicturesResult, SessionSnapshot } from '../../../src/contract/contract.ts';
import { el, pct } from '../format.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Title, Tooltip);

export class PcaView {
  private key = '';
  private chart: Chart<'line', { x: number; y: number }[]> | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly fetch: () => Promise<PcaPicturesResult>,
  ) {}

  update(snap: SessionSnapshot | null): void {
    const p = snap?.preprocessed;
    const key =
      p && p.explainedVariance !== null ? `${snap.dataset?.name}|${p.size}|${p.featuresAfter}|${p.seconds}` : '';
    if (key === this.key) return;
    this.key = key;
    this.chart?.destroy();
    this.chart = null;
    this.root.replaceChildren();
    if (!key) return;
    void this.fetch().then(
      (r) => {
        if (this.key === key) this.draw(r);
      },
      () => undefined,
    );
  }

  private draw(r: PcaPicturesResult): void {
    const box = el('div', undefined, 'chart-box pca-curve');
    const canvas = el('canvas');
    canvas.id = 'pca-chart';
    box.append(canvas);
    const faces = (items: { label: string; uri: string }[], cls: string): HTMLElement => {
      const row = el('div', undefined, `face-row ${cls}`);
      for (const it of items) {
        const fig = el('figure');
        const img = el('img');
        img.src = it.uri;
        img.alt = it.label;
        fig.append(img, el('figcaption', it.label));
        row.append(fig);
      }
      return row;
    };
    const kept = r.cumulative[r.kept - 1] ?? 0;
    this.root.append(el('h3', `What PCA keeps: ${r.kept} of ${r.features} features, ${pct(kept)} of the variance`));
    if (r.note) this.root.append(el('p', r.note, 'pca-note'));
    this.root.append(
      box,
      el('h4', 'Mean face and the first eigenfaces (gray = 0; light and dark are the two signs)'),
      faces(
        [{ label: 'mean', uri: r.meanFace }, ...r.eigenfaces.map((uri, i) => ({ label: `#${i + 1}`, uri }))],
        'eigenfaces',
      ),
      el('h4', 'One test face rebuilt from its first components'),
      faces(
        [
          ...r.reconstructions.map((x) => ({ label: `${x.components} comp.`, uri: x.image })),
          { label: 'original', uri: r.original },
        ],
        'reconstructions',
      ),
    );
    const curve = r.cumulative.map((y, i) => ({ x: i + 1, y: 100 * y }));
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          {
            label: 'cumulative explained variance',
            data: curve,
            borderColor: '#1f6feb',
            pointRadius: 0,
            borderWidth: 2,
          },
          {
            label: `cut: ${r.kept} components`,
            data: [
              { x: r.kept, y: 0 },
              { x: r.kept, y: 100 * kept },
            ],
            borderColor: '#cf222e',
            borderDash: [6, 4],
            pointRadius: 0,
            borderWidth: 2,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        plugins: { title: { display: true, text: 'Explained variance by number of PCA components' } },
        scales: {
          x: { type: 'linear', min: 1, title: { display: true, text: 'components' } },
          y: { min: 0, max: 100, title: { display: true, text: 'variance explained (%)' } },
        },
      },
    });
  }
}
