/**
 * The live view's status line: frames per second and latency (median and p95) over the last
 * frames, the detector and the backend. The figures are also set as data attributes, which
 * the end-to-end tests read.
 */

/** Frames of history for the fps and latency figures. */
const STATS_WINDOW = 30;

export class LiveStats {
  private doneAt: number[] = [];
  private latencies: number[] = [];

  constructor(private readonly element: HTMLElement) {}

  reset(): void {
    this.doneAt = [];
    this.latencies = [];
  }

  /** A frame answered at `done` (ms) that was captured at `started`. */
  add(started: number, done: number): void {
    this.latencies.push(done - started);
    this.doneAt.push(done);
    if (this.latencies.length > STATS_WINDOW) {
      this.latencies.shift();
      this.doneAt.shift();
    }
  }

  render(running: boolean, detector: string, backend: string): void {
    const n = this.doneAt.length;
    const fps = n > 1 ? ((n - 1) * 1000) / (this.doneAt[n - 1] - this.doneAt[0]) : 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    const on = running && n > 1;
    this.element.dataset.fps = on ? fps.toFixed(1) : '';
    this.element.dataset.latencyP50 = on ? q(0.5).toFixed(0) : '';
    this.element.dataset.latencyP95 = on ? q(0.95).toFixed(0) : '';
    const parts = [
      `${on ? fps.toFixed(1) : '–'} fps`,
      `latency ${on ? `${q(0.5).toFixed(0)} ms (p95 ${q(0.95).toFixed(0)} ms)` : '–'}`,
      `detector: ${detector || 'shown once the camera runs'}`,
      `backend: ${backend || '–'}`,
    ];
    this.element.textContent = parts.join(' · ');
  }
}
