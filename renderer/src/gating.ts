/**
 * Which of the action buttons (the paper's six, then Live Camera) can be used now, and if not, why: the reason is
 * shown beside the button and as its tooltip.
 */
import type { UiState } from './ui-state.ts';

export type ActionId = 'upload' | 'preprocess' | 'train-cnn' | 'train-rnn' | 'compare' | 'predict' | 'live';
export interface Gate { enabled: boolean; reason: string }

export const ACTIONS: { id: ActionId; label: string }[] = [
  { id: 'upload', label: 'Upload Facial Emotion Dataset' },
  { id: 'preprocess', label: 'Preprocess Dataset' },
  { id: 'train-cnn', label: 'Train CNN Algorithm' },
  { id: 'train-rnn', label: 'Train RNN Algorithm' },
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
    return { upload: g, preprocess: g, 'train-cnn': g, 'train-rnn': g, compare: g, predict: g, live: g };
  }
  const busy = snap.job ? no(`Wait: ${snap.job.label.toLowerCase()} is running (or cancel it)`) : null;
  const hasModel = Boolean(snap.models.cnn || snap.models.rnn);
  const train = busy ?? (snap.preprocessed ? ok : no(snap.dataset ? 'Preprocess the dataset first' : 'Upload a dataset, then preprocess it'));
  return {
    upload: busy ?? ok,
    preprocess: busy ?? (snap.dataset ? ok : no('Upload a dataset first')),
    'train-cnn': train,
    'train-rnn': train,
    compare: busy ?? (hasModel ? ok : no('Train the CNN or the RNN first')),
    predict: busy ?? (hasModel ? ok : no('No model yet: train the CNN or the RNN first')),
    live: busy ?? (hasModel ? ok : no('No model yet: train the CNN or the RNN first')),
  };
}
