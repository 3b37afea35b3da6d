/** `fer train --data <data> --model <kind>`: train, checkpoint every epoch, save the best model. */
import path from 'node:path';
import { modelKinds } from '../../contract/model-kinds.ts';
import {
  COMMON_OPTIONS,
  integer,
  oneOf,
  parseCommand,
  positiveInt,
  positiveNumber,
  required,
  UsageError,
} from '../args.ts';
import type { Command } from '../context.ts';

// The kinds come from the model registry when asked, so a kind registered after this module loaded is offered too.
const kindIds = () => modelKinds().map((k) => k.kind);
const usageLine = () =>
  `fer train --data <data|preprocessed dir> --model ${kindIds().join('|')} [--epochs N] [--batch B] [--lr X] [--seed S] [--out DIR] [--resume] [--workers N] [--preset paper] [--json]`;
const kindHelp = () => {
  const width = Math.max(...kindIds().map((k) => k.length));
  return modelKinds()
    .map((k) => `${k.kind.padEnd(width)}  ${k.label}: ${k.description}`)
    .join('\n                    ');
};

const options = {
  ...COMMON_OPTIONS,
  data: { type: 'string' },
  model: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  preset: { type: 'string' },
  workers: { type: 'string' },
} as const;

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model (CNN, RNN... or the reference application\'s "paper" models); save it',
  get usage() {
    return usageLine();
  },
  get help() {
    return help();
  },
  async run(args, ctx) {
    const usage = usageLine();
    const { values } = parseCommand(args, options, usage, false);
    const data = required(values.data, '--data', usage);
    const kind = oneOf(required(values.model, '--model', usage), kindIds(), '--model', usage)!;
    const preset = oneOf(values.preset, ['default', 'paper'] as const, '--preset', usage) ?? 'default';
    if (values.resume && !values.out) throw new UsageError('--resume needs the --out of the run to continue', usage);
    const epochs = positiveInt(values.epochs, '--epochs', usage);
    const batchSize = positiveInt(values.batch, '--batch', usage);
    const learningRate = positiveNumber(values.lr, '--lr', usage);
    const seed = integer(values.seed, '--seed', usage);
    const workers = positiveInt(values.workers, '--workers', usage);
    const out = values.out ?? defaultOut(preset === 'paper' ? `paper-${kind}` : kind);
    return (await import('../actions/train.ts')).train(
      { data, kind, preset, epochs, batchSize, learningRate, seed, out, workers, resume: values.resume === true },
      ctx,
    );
  },
};

const help = () => `usage: ${usageLine()}

  --data <data>     X .npy, .csv or image folder (preprocessed with the defaults:
                    grayscale 48x48, given splits kept, else a seeded stratified
                    split), or a folder written by "fer preprocess"
  --model <kind>    ${kindHelp()}
  --epochs N        default 30 (cnn), 20 (rnn), 10 (paper)
  --batch B         default 64 (paper: 16)
  --lr X            learning rate (Adam); default 0.002 (cnn, rnn), 0.001 (paper)
  --seed S          default 42: same data, seed and backend -> same model
  --out DIR         default runs/<model>-<timestamp>; the best-by-validation model
                    goes there, the last epoch's checkpoint to <parent>/.checkpoints/<name>
  --resume          continue the interrupted run whose --out is given
  --workers N       threads computing gradients; default 2 on the wasm backend with
                    2+ cores (FER_TRAIN_WORKERS overrides), 1 with tfjs-node
  --preset paper    the reference application's pipeline (RGB 32x32 -> PCA 2352 ->
                    its CNN or LSTM); reports its metric next to held-out accuracy
  --json            one JSON object per line: {"type":"batch"|"epoch"|"done"|"cancelled",...}

Ctrl-C stops after the current batch; the models saved on disk are those of the
last complete epoch, and the command exits with code 130.`;

function defaultOut(name: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return path.join(
    'runs',
    `${name}-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`,
  );
}
