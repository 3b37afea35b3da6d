/**
 * What a renderer that connects late (page reload, second tab, window
 * re-created) needs to catch up: the latest state, the recent log lines and
 * the running job's latest progress. Both shells keep one.
 */
import type { AppEvent, ProgressEvent } from '../contract/contract.ts';

type LogEvent = Extract<AppEvent, { type: 'log' }>;
type StateEvent = Extract<AppEvent, { type: 'state' }>;
type EpochEvent = Extract<AppEvent, { type: 'epoch' }>;

export class EventBacklog {
  private state: StateEvent | null = null;
  private logs: LogEvent[] = [];
  private progress: ProgressEvent | null = null;
  private epochs: EpochEvent[] = [];

  constructor(private readonly maxLogs = 500) {}

  record(e: AppEvent): void {
    if (e.type === 'state') this.state = e;
    else if (e.type === 'log') {
      this.logs.push(e);
      if (this.logs.length > this.maxLogs) this.logs.splice(0, this.logs.length - this.maxLogs);
    } else if (e.type === 'progress') this.progress = e;
    else if (e.type === 'job-started') {
      this.progress = null;
      this.epochs = [];
    } else if (e.type === 'epoch') this.epochs.push(e);
    else if (e.type === 'job-finished') {
      this.progress = null;
      this.epochs = [];
    }
  }

  /** Events to send a newly connected renderer, oldest first. */
  replay(): AppEvent[] {
    return [
      ...this.logs,
      ...(this.state ? [this.state] : []),
      ...this.epochs,
      ...(this.progress ? [this.progress] : []),
    ];
  }
}
