/** `fer preprocess --data <data> --out <dir>`: resize, split, PCA once; train from the folder many times. */
import { COMMON_OPTIONS, integer, oneOf, parseCommand, positiveInt, required, UsageError } from '../args.ts';
import type { Command } from '../context.ts';

const usage =
  'fer preprocess --data <data> [--size 48] [--pca <k or fraction>] [--preset paper] [--seed S] --out <dir> [--json]';

const options = {
  ...COMMON_OPTIONS,
  data: { type: 'string' },
  size: { type: 'string' },
  pca: { type: 'string' },
  preset: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
} as const;

/** "0.95" -> keep 95 % of the variance; "256" -> 256 components. */
export function parsePca(value: string | undefined): number | { varianceFraction: number } | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() !== '' && Number.isInteger(n) && n >= 1) return n;
  if (Number.isFinite(n) && n > 0 && n < 1) return { varianceFraction: n };
  throw new UsageError(
    `--pca takes a number of components (e.g. 256) or a fraction of variance between 0 and 1 (e.g. 0.95), got "${value}"`,
    usage,
  );
}

export const preprocessCommand: Command = {
  name: 'preprocess',
  summary: 'grayscale, resize, split and (optionally) PCA a dataset; save it for training',
  usage,
  help: `usage: ${usage}

Converts a dataset into what the models train on, once, and saves it in <dir>
(give <dir> to "fer train --data").

  --data <data>     X .npy, .csv or image folder
  --size N          side of the square images, default 48
  --pca K|F         fit PCA on the training split only: K components, or the
                    fewest components keeping fraction F of the variance (0.95)
  --preset paper    the reference application's preprocessing: RGB 32x32,
                    PCA to 2352 components (input of "fer train --preset paper")
  --seed S          seed of the stratified train/validation/test split, used
                    when the dataset does not define its own splits
  --out <dir>       where to save (written atomically)
  --json            print the report as one JSON object

Reports images and features before/after, the explained variance and the time taken.`,
  async run(args, ctx) {
    const { values } = parseCommand(args, options, usage, false);
    const data = required(values.data, '--data', usage);
    const out = required(values.out, '--out', usage);
    const preset = oneOf(values.preset, ['default', 'paper'] as const, '--preset', usage) ?? 'default';
    const size = positiveInt(values.size, '--size', usage);
    const pca = parsePca(values.pca);
    const seed = integer(values.seed, '--seed', usage);
    return (await import('../actions/preprocess.ts')).preprocess({ data, out, preset, size, pca, seed }, ctx);
  },
};
