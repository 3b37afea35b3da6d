/** The renderer's pure logic: state from events, and which buttons are usable (and why not). */
import { describe, expect, it } from 'vitest';
import type { EpochPoint, SessionSnapshot } from '../../src/contract/contract.ts';
import { ACTIONS, gates, trainedKind } from '../../renderer/src/gating.ts';
import { initialState, reduce, type UiState } from '../../renderer/src/ui-state.ts';

const point = (epoch: number): EpochPoint => ({
  epoch,
  loss: 1,
  accuracy: 0.3,
  valLoss: 1,
  valAccuracy: 0.2,
  seconds: 1,
});
const snap = (over: Partial<SessionSnapshot> = {}): SessionSnapshot => ({
  backend: 'wasm',
  classifiers: null,
  dataset: null,
  preprocessed: null,
  models: { cnn: null, rnn: null },
  reports: {},
  job: null,
  samples: [],
  detector: { kind: 'yunet', inUse: 'YuNet (onnxruntime-node)', fallback: null },
  ...over,
});
const model = (slot: 'cnn' | 'rnn', epochs: number) => ({
  slot,
  origin: 'trained' as const,
  description: slot,
  classes: [],
  inputSize: 48,
  history: Array.from({ length: epochs }, (_, i) => point(i + 1)),
  backend: 'wasm',
  createdAt: '',
});
const connected = (s: SessionSnapshot): UiState =>
  reduce({ ...initialState, connected: true }, { type: 'state', state: s });

describe('reduce', () => {
  it('restarts a model series when its training starts and appends epochs live', () => {
    let s = connected(snap({ models: { cnn: model('cnn', 3), rnn: model('rnn', 2) } }));
    expect(s.series.cnn).toHaveLength(3);
    s = reduce(s, {
      type: 'job-started',
      job: { id: 'j1', kind: 'train', label: 'Training CNN', startedAt: 0, model: 'cnn' },
    });
    expect(s.series.cnn).toEqual([]);
    expect(s.series.rnn).toHaveLength(2);
    // A state snapshot during the run must not bring the old history back.
    s = reduce(s, {
      type: 'state',
      state: snap({
        models: { cnn: model('cnn', 3), rnn: model('rnn', 2) },
        job: { id: 'j1', kind: 'train', label: 'Training CNN', startedAt: 0, model: 'cnn' },
      }),
    });
    expect(s.series.cnn).toEqual([]);
    s = reduce(s, { type: 'epoch', jobId: 'j1', slot: 'cnn', epochs: 5, point: point(1) });
    s = reduce(s, { type: 'epoch', jobId: 'j1', slot: 'cnn', epochs: 5, point: point(2) });
    expect(s.series.cnn.map((p) => p.epoch)).toEqual([1, 2]);
    expect(s.plannedEpochs.cnn).toBe(5);
    s = reduce(s, { type: 'job-finished', jobId: 'j1', kind: 'train', outcome: 'done', message: '' });
    expect(s.progress).toBeNull();
  });
});

describe('gates', () => {
  it("shows the paper's six buttons in its order and words, the train buttons derived from the model registry", () => {
    expect(ACTIONS.map((a) => a.label)).toEqual([
      'Upload Facial Emotion Dataset',
      'Preprocess Dataset',
      'Train CNN Algorithm',
      'Train RNN Algorithm',
      'Accuracy Comparison Graph',
      'Predict Facial Expression',
      'Live Camera',
    ]);
    expect(ACTIONS.map((a) => trainedKind(a.id))).toEqual([null, null, 'cnn', 'rnn', null, null, null]);
  });

  it('says why each step is not available yet', () => {
    const g = gates(connected(snap()));
    expect(g.upload.enabled).toBe(true);
    expect(g.preprocess).toEqual({ enabled: false, reason: 'Upload a dataset first' });
    expect(g['train-cnn'].reason).toBe('Upload a dataset, then preprocess it');
    expect(g.predict.reason).toMatch(/No model yet/);
    expect(gates({ ...initialState, connected: false }).upload.reason).toMatch(/Not connected/);
  });

  it('disables everything while a job runs, naming the job', () => {
    const g = gates(
      connected(
        snap({
          models: { cnn: model('cnn', 1), rnn: null },
          job: { id: 'j2', kind: 'preprocess', label: 'Preprocessing', startedAt: 0 },
        }),
      ),
    );
    for (const gate of Object.values(g))
      expect(gate).toEqual({ enabled: false, reason: 'Wait: preprocessing is running (or cancel it)' });
  });

  it('enables predict and the comparison as soon as one model exists', () => {
    const g = gates(connected(snap({ models: { cnn: null, rnn: model('rnn', 1) } })));
    expect(g.predict.enabled).toBe(true);
    expect(g.compare.enabled).toBe(true);
  });
});
