/** `fer eval --model <dir> --data <data>`: accuracy, per-class metrics and confusion matrix. */
import { COMMON_OPTIONS, oneOf, parseCommand, required } from '../args.ts';
import type { Command } from '../context.ts';
import { SPLIT_NAMES } from '../split-select.ts';

const usage = 'fer eval --model <dir> --data <data> [--split train|validation|test] [--tta] [--tta-zoom] [--json]';

const options = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  data: { type: 'string' },
  split: { type: 'string' },
  tta: { type: 'boolean' },
  'tta-zoom': { type: 'boolean' },
} as const;

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a saved model on a dataset: accuracy, per-class precision/recall/F1, confusion matrix',
  usage,
  help: `usage: ${usage}

Evaluates a model saved by "fer train" on any dataset whose class names it knows
(class names are matched by meaning across formats: disgusted = disgust, ...).

  --model <dir>    a model folder (model.json, weights.bin, meta.json)
  --data <data>    X .npy, .csv or image folder
  --split <name>   only the images of that split (train, validation, test);
                   default: every image of the dataset. A .csv's Usage column gives
                   Training = train, PublicTest = validation, PrivateTest = test.
  --tta            average each image with its mirror image (test-time augmentation,
                   as "fer predict" and the app classify faces)
  --tta-zoom       four views: also a 1.1x centre zoom and its mirror image (as
                   "fer predict --tta-zoom"; more accurate, twice the work)
  --json           print {"accuracy","n","perClass","confusion","classes","split","backend",...}`,
  async run(args, ctx) {
    const { values } = parseCommand(args, options, usage, false);
    const modelDir = required(values.model, '--model', usage);
    const data = required(values.data, '--data', usage);
    const split = oneOf(values.split, SPLIT_NAMES, '--split', usage);
    return (await import('../actions/eval.ts')).evaluate({ modelDir, data, split, tta: values.tta === true || values['tta-zoom'] === true, zoom: values['tta-zoom'] === true }, ctx);
  },
};
