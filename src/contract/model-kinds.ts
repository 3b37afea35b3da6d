/**
 * The user-facing half of the model registry: which kinds of model can be
 * trained, what they are called, and the slots a session keeps models in.
 * The renderer derives its train buttons from it, the CLI its `--model`
 * choices and help, the contract its train validator. No Node or tfjs here,
 * because the renderer imports it; the builders, input shapes and training
 * defaults live in core/models/registry.ts, whose registerModelKind also
 * registers here, so a kind added there appears everywhere at once.
 */
import { ContractError, type Validator } from './validators.ts';

export interface ModelKindInfo {
  /** The id of `fer train --model`, of the train request and of meta.json, e.g. "cnn". */
  kind: string;
  /** Its short name for users ("CNN"); its train button reads "Train CNN Algorithm". */
  label: string;
  /** One line for `fer train --help`. */
  description: string;
}

/** Kinds are ids in file names, CLI flags and slot names: lower case, short. */
export const MODEL_KIND_ID = /^[a-z][a-z0-9]{0,15}$/;

const KINDS = new Map<string, ModelKindInfo>();
const SLOTS: string[] = [];
const LABELS: Record<string, string> = {};

export function registerModelKindInfo(info: ModelKindInfo): void {
  if (!MODEL_KIND_ID.test(info.kind)) throw new Error(`model kind "${info.kind}" must match ${MODEL_KIND_ID}`);
  if (KINDS.has(info.kind)) throw new Error(`model kind "${info.kind}" is already registered`);
  KINDS.set(info.kind, { ...info });
  SLOTS.push(info.kind);
  LABELS[info.kind] = info.label;
}

/** In registration order: the paper's two first, so its buttons keep their order. */
export function modelKinds(): ModelKindInfo[] {
  return [...KINDS.values()];
}

export function modelKindInfo(kind: string): ModelKindInfo | undefined {
  return KINDS.get(kind);
}

/**
 * Where a session keeps one model, and the key of every per-model result
 * (predictions, test reports, chart series). The app keeps one model per kind
 * in the slot named after it; a second model of a kind (e.g. `fer predict`
 * given two CNNs) gets "<kind>-2", "<kind>-3"...
 */
export type ModelSlot = string;

/** The app's slots, one per registered kind in registration order (registerModelKindInfo keeps it current). */
export const MODEL_SLOTS: readonly ModelSlot[] = SLOTS;
/** The label of each slot in MODEL_SLOTS (for any slot name, slotLabel). */
export const MODEL_LABELS: Readonly<Record<ModelSlot, string>> = LABELS;

/** The slot name for the n-th (0-based) model of `kind` among several. */
export function slotFor(kind: string, n: number): ModelSlot {
  return n === 0 ? kind : `${kind}-${n + 1}`;
}

/** "CNN" for slot "cnn", "CNN 2" for "cnn-2"; an unknown kind shows as itself. */
export function slotLabel(slot: ModelSlot): string {
  const m = /^(.*?)(?:-(\d+))?$/.exec(slot)!;
  const label = KINDS.get(m[1])?.label ?? m[1];
  return m[2] ? `${label} ${m[2]}` : label;
}

/** "the CNN or the RNN": what the user is asked to train when no model is there. */
export function anyModelPhrase(): string {
  return modelKinds()
    .map((k) => `the ${k.label}`)
    .join(' or ');
}

/** A registered kind (checked when the request arrives, so kinds registered later count). */
export const modelKind: Validator<string> = (v, at) => {
  if (typeof v !== 'string' || !KINDS.has(v)) throw new ContractError(`${at}: must be one of ${SLOTS.join(', ')}`);
  return v;
};

registerModelKindInfo({ kind: 'cnn', label: 'CNN', description: 'convolutional network' });
registerModelKindInfo({
  kind: 'rnn',
  label: 'RNN',
  description: 'bidirectional LSTM reading the face row by row (after a small convolutional stem)',
});
