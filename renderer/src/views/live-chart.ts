/**
 * One face's expression over the last 60 s: the smoothed mean of the models'
 * probabilities per class, on a Chart.js line chart like the accuracy graph.
 * It keeps at most 4 points a second (the frame rate does not change its
 * memory: bench/live.ts --soak) and redraws at most twice a second, which keeps
 * its cost off the frame loop.
 */
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

const CLASS_COLOURS = ['#e5534b', '#57ab5a', '#986ee2', '#daaa3f', '#539bf5', '#f69d50', '#768390'];
export const WINDOW_S = 60;
const REDRAW_MS = 500;
const POINT_EVERY_S = 0.25;

export class LiveChart {
  private readonly chart: Chart<'line', { x: number; y: number }[]>;
  private lastDraw = 0;
  private lastPoint = -Infinity;

  constructor(
    readonly canvas: HTMLCanvasElement,
    classes: string[],
  ) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: classes.map((c, i) => ({
          label: c,
          data: [],
          borderColor: CLASS_COLOURS[i % CLASS_COLOURS.length],
          backgroundColor: CLASS_COLOURS[i % CLASS_COLOURS.length],
          borderWidth: 1.5,
          pointRadius: 0,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'seconds' } },
          y: { min: 0, max: 1, title: { display: true, text: 'probability' } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10, font: { size: 10 } } },
          tooltip: { enabled: false },
        },
      },
    });
  }

  /** `seconds`: time since the camera started; `probabilities` in the classes' order. */
  push(seconds: number, probabilities: number[]): void {
    if (seconds - this.lastPoint < POINT_EVERY_S) return;
    this.lastPoint = seconds;
    for (const [i, ds] of this.chart.data.datasets.entries()) {
      ds.data.push({ x: seconds, y: probabilities[i] ?? 0 });
      while (ds.data.length && ds.data[0].x < seconds - WINDOW_S) ds.data.shift();
    }
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const x = this.chart.options.scales!.x!;
    x.min = Math.max(0, seconds - WINDOW_S);
    x.max = Math.max(seconds, 1);
    this.chart.update('none');
    this.canvas.dataset.points = String(this.chart.data.datasets[0]?.data.length ?? 0);
  }

  destroy(): void {
    this.chart.destroy();
  }
}
