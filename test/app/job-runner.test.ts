import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/contract/contract.ts';
import { FerError } from '../../src/core/errors.ts';
import { estimateSecondsLeft } from '../../src/app/eta.ts';
import { JobRunner } from '../../src/app/job-runner.ts';

function runner() {
  const events: AppEvent[] = [];
  let now = 1000;
  const jobs = new JobRunner(
    (e) => events.push(e),
    () => now,
  );
  return {
    jobs,
    events,
    tick: (ms: number) => {
      now += ms;
    },
  };
}

describe('JobRunner', () => {
  it('refuses a second job while one runs, leaving the first untouched', async () => {
    const { jobs, events } = runner();
    let release!: () => void;
    const id = jobs.start(
      'train',
      'Training CNN',
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
      undefined,
      'cnn',
    );
    expect(jobs.current()).toMatchObject({ id, kind: 'train', model: 'cnn' });
    expect(() => jobs.start('preprocess', 'Preprocessing', async () => 1)).toThrow(
      /busy: training cnn is still running/,
    );
    try {
      jobs.start('preprocess', 'Preprocessing', async () => 1);
    } catch (e) {
      expect((e as FerError).kind).toBe('busy');
    }
    expect(jobs.current()?.id).toBe(id);
    release();
    await jobs.idle();
    expect(events.map((e) => e.type)).toEqual(['job-started', 'job-finished']);
    expect(events[1]).toMatchObject({ outcome: 'done', jobId: id });
    expect(jobs.current()).toBeNull();
  });

  it('cancels by job id through the AbortSignal', async () => {
    const { jobs, events } = runner();
    const id = jobs.start(
      'train',
      'Training RNN',
      (ctx) =>
        new Promise<void>((_, reject) => {
          ctx.signal.addEventListener('abort', () =>
            reject(new FerError('cancelled by the user', { kind: 'cancelled' })),
          );
        }),
    );
    expect(jobs.cancel('j999')).toBe(false);
    expect(jobs.cancel(id)).toBe(true);
    await jobs.idle();
    expect(events.at(-1)).toMatchObject({ type: 'job-finished', outcome: 'cancelled' });
  });

  it('reports failures with the FerError message and runs finish only on success', async () => {
    const { jobs, events } = runner();
    let finished = false;
    jobs.start(
      'load-dataset',
      'Loading',
      async () => {
        throw new FerError('Y.npy: not found');
      },
      () => {
        finished = true;
      },
    );
    await jobs.idle();
    expect(finished).toBe(false);
    expect(events.at(-1)).toMatchObject({ outcome: 'failed', message: 'Y.npy: not found' });
  });

  it('throttles progress events and estimates the time left', async () => {
    const { jobs, events, tick } = runner();
    await jobs.run('train', 'Training', async (ctx) => {
      ctx.progress('train', 0, 'start');
      tick(10);
      ctx.progress('train', 0.1, 'dropped: too soon');
      tick(2000);
      ctx.progress('train', 0.5, 'half');
      tick(50);
      ctx.progress('train', 1, 'done always sent');
    });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.map((p) => p.message)).toEqual(['start', 'half', 'done always sent']);
    expect(progress[1]).toMatchObject({ fraction: 0.5, etaSeconds: 2 });
    expect(progress[2]).toMatchObject({ fraction: 1, etaSeconds: 0 });
  });
});

describe('estimateSecondsLeft', () => {
  it('is null while too early and proportional after', () => {
    expect(estimateSecondsLeft(0.005, 10)).toBeNull();
    expect(estimateSecondsLeft(0.5, 0.5)).toBeNull();
    expect(estimateSecondsLeft(0.25, 30)).toBe(90);
    expect(estimateSecondsLeft(1, 30)).toBe(0);
  });
});
