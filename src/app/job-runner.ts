/**
 * One long job at a time. A second long request while a job runs is refused
 * with a 'busy' FerError before anything changes. Each job gets an id, an
 * AbortSignal (cancel by id), and a progress reporter that adds a time-left
 * estimate and throttles events so a fast loop cannot flood the transport.
 */
import type { AppEvent, JobKind, JobSummary, ModelSlot } from '../contract/contract.ts';
import { FerError, isFerError } from '../core/errors.ts';
import { estimateSecondsLeft } from './eta.ts';

export interface JobContext {
  id: string;
  signal: AbortSignal;
  /** fraction 0..1 of the whole job (or of `stage` when the stage says so in its message). */
  progress(stage: string, fraction: number, message: string): void;
}

interface Running {
  summary: JobSummary;
  controller: AbortController;
  done: Promise<void>;
}

const MIN_EVENT_INTERVAL_MS = 100;

export class JobRunner {
  private running: Running | null = null;
  private counter = 0;

  constructor(
    private readonly emit: (e: AppEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  current(): JobSummary | null {
    return this.running ? { ...this.running.summary } : null;
  }

  /**
   * Starts `work` in the background and returns its id at once; the outcome
   * arrives as a 'job-finished' event. `finish` runs after success (state updates).
   */
  start<T>(
    kind: JobKind,
    label: string,
    work: (ctx: JobContext) => Promise<T>,
    finish?: (value: T) => void,
    model?: ModelSlot,
  ): string {
    return this.launch(kind, label, work, finish, model).id;
  }

  /** Like start, but the caller awaits the value (short jobs such as predict). */
  async run<T>(kind: JobKind, label: string, work: (ctx: JobContext) => Promise<T>): Promise<T> {
    return this.launch(kind, label, work).result;
  }

  cancel(jobId: string): boolean {
    if (!this.running || this.running.summary.id !== jobId) return false;
    this.running.controller.abort();
    return true;
  }

  /** Resolves when no job is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running.done;
  }

  private launch<T>(
    kind: JobKind,
    label: string,
    work: (ctx: JobContext) => Promise<T>,
    finish?: (value: T) => void,
    model?: ModelSlot,
  ) {
    if (this.running) {
      throw new FerError(
        `busy: ${this.running.summary.label.toLowerCase()} is still running; wait for it or cancel it`,
        { kind: 'busy' },
      );
    }
    const id = `j${++this.counter}`;
    const controller = new AbortController();
    const summary: JobSummary = { id, kind, label, startedAt: this.now(), ...(model ? { model } : {}) };
    const ctx = this.context(summary, controller.signal);
    let settle!: () => void;
    const done = new Promise<void>((r) => {
      settle = r;
    });
    this.running = { summary, controller, done };
    this.emit({ type: 'job-started', job: { ...summary } });
    const result = (async () => {
      try {
        const value = await work(ctx);
        finish?.(value);
        this.finished(
          summary,
          controller.signal.aborted ? 'cancelled' : 'done',
          controller.signal.aborted ? `${label} cancelled` : `${label} finished`,
        );
        return value;
      } catch (e) {
        const cancelled = (isFerError(e) && e.kind === 'cancelled') || controller.signal.aborted;
        if (!cancelled && !isFerError(e)) console.error(e);
        this.finished(summary, cancelled ? 'cancelled' : 'failed', cancelled ? `${label} cancelled` : describeError(e));
        throw e;
      } finally {
        settle();
      }
    })();
    // start() callers learn the outcome from events; keep the rejection from going unhandled.
    result.catch(() => undefined);
    return { id, result };
  }

  private finished(job: JobSummary, outcome: 'done' | 'cancelled' | 'failed', message: string): void {
    this.running = null;
    this.emit({ type: 'job-finished', jobId: job.id, kind: job.kind, outcome, message });
  }

  private context(job: JobSummary, signal: AbortSignal): JobContext {
    let lastEmit = -Infinity;
    let lastStage = '';
    let stageStart = this.now();
    return {
      id: job.id,
      signal,
      progress: (stage, fraction, message) => {
        const t = this.now();
        if (stage !== lastStage) {
          lastStage = stage;
          stageStart = t;
          lastEmit = -Infinity;
        }
        const f = Math.min(1, Math.max(0, fraction));
        if (t - lastEmit < MIN_EVENT_INTERVAL_MS && f < 1) return;
        lastEmit = t;
        this.emit({
          type: 'progress',
          jobId: job.id,
          kind: job.kind,
          stage,
          fraction: f,
          etaSeconds: estimateSecondsLeft(f, (t - stageStart) / 1000),
          message,
        });
      },
    };
  }
}

export function describeError(e: unknown): string {
  if (isFerError(e)) return e.message;
  return `internal error: ${e instanceof Error ? e.message : String(e)}`;
}
