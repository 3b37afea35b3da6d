/**
 * Accuracy per epoch for both models on one Chart.js line chart: validation
 * solid, training dashed; one colour per model. Updated live as epochs arrive.
 * The canvas carries a small summary (data-series) for the end-to-end test.
 */
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import { pointRadiusFor } from '../reasons.ts';
import {
  MODEL_SLOTS,
  slotLabel,
  type BatchPoint,
  type EpochPoint,
  type ModelSlot,
} from '../../../src/contract/contract.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Title, Tooltip);

/** One colour per slot in MODEL_SLOTS order (the CNN blue, the RNN orange, then the rest). */
const COLOURS = ['#1f6feb', '#d1481f', '#2da44e', '#8250df', '#bf8700'];
const colourOf = (slot: ModelSlot) => COLOURS[Math.max(0, MODEL_SLOTS.indexOf(slot)) % COLOURS.length];

type Line = ChartDataset<'line', { x: number; y: number }[]>;

export class ChartView {
  private readonly chart: Chart<'line', { x: number; y: number }[]>;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'epoch' }, ticks: { precision: 0 }, min: 1 },
          y: { min: 0, max: 100, title: { display: true, text: 'accuracy (%)' } },
        },
        plugins: {
          title: {
            display: true,
            text: `${MODEL_SLOTS.map(slotLabel).join(' and ')} accuracy per epoch (dashed: training, solid: validation)`,
          },
          legend: { position: 'bottom' },
        },
      },
    });
  }

  update(
    series: Record<ModelSlot, EpochPoint[]>,
    planned: Partial<Record<ModelSlot, number>>,
    batches: Record<ModelSlot, BatchPoint[]> = {},
  ): void {
    const datasets: Line[] = [];
    for (const slot of MODEL_SLOTS) {
      // During a run: the running training accuracy batch by batch, under the per-epoch points.
      const running = batches[slot] ?? [];
      if (running.length) {
        datasets.push({
          label: `${slotLabel(slot)} training, running (per batch)`,
          borderColor: `${colourOf(slot)}88`,
          backgroundColor: `${colourOf(slot)}88`,
          pointRadius: 0,
          borderWidth: 1,
          data: running.map((p) => ({ x: p.x, y: p.accuracy * 100 })),
        });
      }
      const pts = series[slot] ?? [];
      if (!pts.length) continue;
      const base = {
        borderColor: colourOf(slot),
        backgroundColor: colourOf(slot),
        pointRadius: pointRadiusFor(pts.length),
        pointHoverRadius: 4,
        borderWidth: 2,
      };
      datasets.push({
        ...base,
        label: `${slotLabel(slot)} training`,
        borderDash: [6, 4],
        data: pts.map((p) => ({ x: p.epoch, y: p.accuracy * 100 })),
      });
      const val = pts.filter((p) => p.valAccuracy !== null);
      if (val.length)
        datasets.push({
          ...base,
          label: `${slotLabel(slot)} validation`,
          data: val.map((p) => ({ x: p.epoch, y: p.valAccuracy! * 100 })),
        });
    }
    this.chart.data.datasets = datasets;
    const lastEpoch = Math.max(1, ...MODEL_SLOTS.map((s) => Math.max(planned[s] ?? 0, series[s]?.at(-1)?.epoch ?? 0)));
    this.chart.options.scales!.x!.max = lastEpoch;
    // The running curve starts inside epoch 1 (x from 0); the epoch points start at 1.
    this.chart.options.scales!.x!.min = MODEL_SLOTS.some((s) => batches[s]?.length) ? 0 : 1;
    // Zoom the y axis to the data (in steps of 10 %) so small differences stay visible.
    const top = Math.max(0, ...datasets.flatMap((d) => d.data.map((p) => p.y)));
    this.chart.options.scales!.y!.max = Math.min(100, Math.ceil((top + 5) / 10) * 10);
    this.chart.update();
    this.canvas.dataset.series = JSON.stringify(datasets.map((d) => ({ label: d.label, points: d.data.length })));
  }

  png(): string {
    // Paint a white background under the transparent canvas so the PNG reads well anywhere.
    const c = document.createElement('canvas');
    c.width = this.canvas.width;
    c.height = this.canvas.height;
    const g = c.getContext('2d')!;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(this.canvas, 0, 0);
    return c.toDataURL('image/png');
  }
}
