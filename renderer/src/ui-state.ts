/**
 * The renderer's picture of the backend, rebuilt from events only: the latest
 * snapshot, the accuracy series per model (live while training), the running
 * job's progress and whether the transport is connected.
 */
import {
  MODEL_SLOTS,
  type AppEvent,
  type BatchPoint,
  type EpochPoint,
  type ModelSlot,
  type ProgressEvent,
  type SessionSnapshot,
} from '../../src/contract/contract.ts';

export interface UiState {
  snapshot: SessionSnapshot | null;
  /** Per slot (a slot with no points yet may be absent: read with `?? []`). */
  series: Record<ModelSlot, EpochPoint[]>;
  /** The running training curve of the run in progress, per model (empty outside a run). */
  batches: Record<ModelSlot, BatchPoint[]>;
  /** Total epochs of the run in progress, per model (for the chart's x axis). */
  plannedEpochs: Partial<Record<ModelSlot, number>>;
  progress: ProgressEvent | null;
  connected: boolean;
}

export const initialState: UiState = {
  snapshot: null,
  series: Object.fromEntries(MODEL_SLOTS.map((s) => [s, []])),
  batches: {},
  plannedEpochs: {},
  progress: null,
  connected: false,
};

export function reduce(s: UiState, e: AppEvent): UiState {
  switch (e.type) {
    case 'state': {
      const training = e.state.job?.kind === 'train' ? e.state.job.model : undefined;
      // Outside a training run the series are the models' saved histories.
      const series = { ...s.series };
      for (const slot of Object.keys(e.state.models))
        if (slot !== training) series[slot] = e.state.models[slot]?.history ?? [];
      return { ...s, snapshot: e.state, series, progress: e.state.job ? s.progress : null };
    }
    case 'job-started':
      if (e.job.kind === 'train' && e.job.model)
        return {
          ...s,
          series: { ...s.series, [e.job.model]: [] },
          batches: { ...s.batches, [e.job.model]: [] },
          progress: null,
        };
      return { ...s, progress: null };
    case 'epoch': {
      const points = (s.series[e.slot] ?? []).filter((p) => p.epoch !== e.point.epoch);
      return {
        ...s,
        series: { ...s.series, [e.slot]: [...points, e.point] },
        plannedEpochs: { ...s.plannedEpochs, [e.slot]: e.epochs },
      };
    }
    case 'batch':
      return {
        ...s,
        batches: { ...s.batches, [e.slot]: [...(s.batches[e.slot] ?? []), e.point] },
        plannedEpochs: { ...s.plannedEpochs, [e.slot]: e.epochs },
      };
    case 'progress':
      return { ...s, progress: e };
    case 'job-finished':
      return { ...s, progress: null };
    default:
      return s;
  }
}
