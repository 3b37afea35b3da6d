import { describe, expect, it } from 'vitest';
import { pointRadiusFor, sayReasonsOnce } from '../../renderer/src/reasons.ts';
import { gates } from '../../renderer/src/gating.ts';
import { initialState } from '../../renderer/src/ui-state.ts';
import type { SessionSnapshot } from '../../src/contract/contract.ts';

const job = { id: 'j1', kind: 'train', label: 'Training CNN', startedAt: 0 } as unknown as SessionSnapshot['job'];
const snap = (over: Partial<SessionSnapshot>): SessionSnapshot =>
  ({
    backend: 'wasm',
    classifiers: null,
    dataset: null,
    preprocessed: null,
    models: { cnn: null, rnn: null },
    reports: {},
    job: null,
    samples: [],
    detector: { kind: 'yunet', inUse: null, fallback: null },
    ...over,
  }) as SessionSnapshot;

describe('sayReasonsOnce', () => {
  it('says a running job once, not under each of the buttons', () => {
    const g = gates({ ...initialState, connected: true, snapshot: snap({ job }) });
    const r = sayReasonsOnce(g);
    expect(r.shared).toBe('Wait: training cnn is running (or cancel it)');
    expect(Object.values(r.under).every((s) => s === '')).toBe(true);
  });

  it('keeps a reason under the one button it concerns', () => {
    const g = gates({ ...initialState, connected: true, snapshot: snap({}) });
    const r = sayReasonsOnce(g);
    expect(r.shared).toBe('');
    expect(r.under.preprocess).toBe('Upload a dataset first');
    expect(r.under.upload).toBe('');
  });
});

describe('pointRadiusFor', () => {
  it('hides the markers of a 175-epoch history and keeps them for a short one', () => {
    expect(pointRadiusFor(175)).toBe(0);
    expect(pointRadiusFor(10)).toBeGreaterThan(0);
  });
});
