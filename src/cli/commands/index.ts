/**
 * The table of `fer` commands. Each command's module is imported only when it
 * runs, so `fer info` or `fer --help` do not pay for loading TensorFlow.js.
 */
import type { Command } from '../context.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'info',
    summary: 'describe a dataset: format, images, classes, per-class counts, image shape, splits',
    load: async () => (await import('./info.ts')).infoCommand,
  },
  {
    name: 'preprocess',
    summary: 'grayscale, resize, split and (optionally) PCA a dataset; save it for training',
    load: async () => (await import('./preprocess.ts')).preprocessCommand,
  },
  {
    name: 'train',
    summary: 'train a model (CNN, RNN... or the reference application\'s "paper" models); save it',
    load: async () => (await import('./train.ts')).trainCommand,
  },
  {
    name: 'eval',
    summary: 'evaluate a saved model: accuracy, per-class precision/recall/F1, confusion matrix',
    load: async () => (await import('./eval.ts')).evalCommand,
  },
  {
    name: 'predict',
    summary: 'find faces in photos (YuNet, or the Haar cascade) and classify the expression of each',
    load: async () => (await import('./predict.ts')).predictCommand,
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
