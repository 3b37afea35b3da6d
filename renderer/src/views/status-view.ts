/** Status line, progress bar with time left, and the Cancel button for the running job. */
import type { UiState } from '../ui-state.ts';
import { byId, formatSeconds } from '../format.ts';

export class StatusView {
  private readonly line = byId<HTMLElement>('status-line');
  private readonly bar = byId<HTMLProgressElement>('progress');
  private readonly left = byId<HTMLElement>('time-left');
  private readonly cancel = byId<HTMLButtonElement>('cancel');
  private message = 'Starting…';

  constructor(onCancel: (jobId: string) => void) {
    this.cancel.onclick = () => {
      const id = this.cancel.dataset.job;
      if (id) onCancel(id);
    };
  }

  /** A one-off message (request refused, step finished...). */
  say(text: string): void {
    this.message = text;
    this.line.textContent = text;
  }

  render(s: UiState): void {
    const job = s.snapshot?.job ?? null;
    this.cancel.disabled = !job || job.kind === 'predict';
    this.cancel.dataset.job = job?.id ?? '';
    if (!s.connected) {
      this.line.textContent = 'Not connected to the FER Studio backend: reconnecting…';
    } else if (job) {
      this.line.textContent = s.progress?.jobId === job.id ? s.progress.message : `${job.label}…`;
    } else {
      this.line.textContent = this.message;
    }
    const p = job && s.progress?.jobId === job.id ? s.progress : null;
    this.bar.hidden = !job;
    if (p) this.bar.value = p.fraction;
    else this.bar.removeAttribute('value');
    this.left.textContent = p?.etaSeconds != null && p.fraction < 1 ? `about ${formatSeconds(p.etaSeconds)} left` : '';
  }
}
