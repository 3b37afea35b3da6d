/** The running training curve: batch events build it during a run, a new run of the model starts it afresh. */
import { describe, expect, it } from 'vitest';
import { initialState, reduce } from '../../renderer/src/ui-state.ts';
import type { AppEvent } from '../../src/contract/contract.ts';

const started = {
  type: 'job-started',
  job: { id: 'j1', kind: 'train', label: 'Training CNN', model: 'cnn', startedAt: 0 },
} as unknown as AppEvent;
const batch = (x: number): AppEvent => ({
  type: 'batch',
  jobId: 'j1',
  slot: 'cnn',
  epochs: 3,
  point: { x, loss: 1.5, accuracy: 0.3 },
});

describe('running training curve', () => {
  it('collects the batch points of the run in progress', () => {
    let s = reduce(initialState, started);
    s = reduce(reduce(s, batch(0.25)), batch(0.5));
    expect(s.batches.cnn.map((p) => p.x)).toEqual([0.25, 0.5]);
    expect(s.plannedEpochs.cnn).toBe(3);
    expect(reduce(s, started).batches.cnn).toEqual([]);
  });
});
