/**
 * Which of the action buttons (the paper's six, then Live Camera) can be used now, and if not, why: the reason is
 * shown beside the button and as its tooltip.
 */
import { anyModelPhrase, modelKinds } from '../../src/contract/contract.ts';
import type { UiState } from './ui-state.ts';

/** `train-<kind>`: one train button per kind of the model registry (contract/model-kinds.ts). */
export type TrainActionId = `train-${string}`;
export type ActionId = 'upload' | 'preprocess' | TrainActionId | 'compare' | 'predict' | 'live';
export interface Gate {
  enabled: boolean;
  reason: string;
}

/** The kind a train button trains, or null for the other buttons. */
export const trainedKind = (id: ActionId): string | null =>
  id.startsWith('train-') ? id.slice('train-'.length) : null;

// The paper's two ("Train CNN Algorithm", "Train RNN Algorithm") are the registry's first two kinds.
const TRAIN_ACTIONS = modelKinds().map((k) => ({
  id: `train-${k.kind}` as TrainActionId,
  label: `Train ${k.label} Algorithm`,
}));

export const ACTIONS: { id: ActionId; label: string }[] = [
  { id: 'upload', label: 'Upload Facial Emotion Dataset' },
  { id: 'preprocess', label: 'Preprocess Dataset' },
  ...TRAIN_ACTIONS,
  { id: 'compare', label: 'Accuracy Comparison Graph' },
  { id: 'predict', label: 'Predict Facial Expression' },
  // Beyond the paper's six: expressions of every face in the webcam, live.
  { id: 'live', label: 'Live Camera' },
];

const ok: Gate = { enabled: true, reason: '' };
const no = (reason: string): Gate => ({ enabled: false, reason });

export function gates(s: UiState): Record<ActionId, Gate> {
  const snap = s.snapshot;
  if (!s.connected || !snap) {
    const g = no('Not connected to the FER Studio backend');
    return Object.fromEntries(ACTIONS.map((a) => [a.id, g])) as Record<ActionId, Gate>;
  }
  const busy = snap.job ? no(`Wait: ${snap.job.label.toLowerCase()} is running (or cancel it)`) : null;
  const hasModel = Object.values(snap.models).some(Boolean);
  const trainFirst = `train ${anyModelPhrase()} first`;
  const train =
    busy ??
    (snap.preprocessed
      ? ok
      : no(snap.dataset ? 'Preprocess the dataset first' : 'Upload a dataset, then preprocess it'));
  return {
    ...Object.fromEntries(TRAIN_ACTIONS.map((a) => [a.id, train])),
    upload: busy ?? ok,
    preprocess: busy ?? (snap.dataset ? ok : no('Upload a dataset first')),
    compare: busy ?? (hasModel ? ok : no(`T${trainFirst.slice(1)}`)),
    predict: busy ?? (hasModel ? ok : no(`No model yet: ${trainFirst}`)),
    live: busy ?? (hasModel ? ok : no(`No model yet: ${trainFirst}`)),
  };
}
