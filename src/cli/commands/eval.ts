/** `fer eval --model <dir> --data <data>`: accuracy, per-class metrics and confusion matrix. */
import { COMMON_OPTIONS, oneOf, parseCommand, required, UsageError } from '../args.ts';
import type { Command } from '../context.ts';
import { SPLIT_NAMES } from '../split-select.ts';

const usage =
  'fer eval --model <dir> [--model <dir>] --data <data> [--split train|validation|test] [--tta] [--tta-zoom] [--gallery <dir>] [--report <file.html>] [--json]';

const options = {
  ...COMMON_OPTIONS,
  model: { type: 'string', multiple: true },
  data: { type: 'string' },
  split: { type: 'string' },
  tta: { type: 'boolean' },
  'tta-zoom': { type: 'boolean' },
  gallery: { type: 'string' },
  report: { type: 'string' },
} as const;

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a saved model on a dataset: accuracy, per-class precision/recall/F1, confusion matrix',
  usage,
  help: `usage: ${usage}

Evaluates a model saved by "fer train" on any dataset whose class names it knows
(class names are matched by meaning across formats: disgusted = disgust, ...).

  --model <dir>    a model folder (model.json, weights.bin, meta.json); give it twice
                   (e.g. the CNN and the RNN) to evaluate both on the same images
  --data <data>    X .npy, .csv or image folder
  --split <name>   only the images of that split (train, validation, test);
                   default: every image of the dataset. A .csv's Usage column gives
                   Training = train, PublicTest = validation, PrivateTest = test.
  --tta            average each image with its mirror image (test-time augmentation,
                   as "fer predict" and the app classify faces)
  --tta-zoom       four views: also a 1.1x centre zoom and its mirror image (as
                   "fer predict --tta-zoom"; more accurate, twice the work)
  --gallery <dir>  write <dir>/index.html: every cell of each confusion matrix with
                   its images (thumbnails inlined), most confident first, every
                   model's probabilities, and the most confidently wrong images
  --report <file>  write one self-contained HTML report: curves, confusion matrix,
                   per-class precision/recall/F1, worst mistakes, settings
  --json           print {"accuracy","n","perClass","confusion","classes","split","backend",...}`,
  async run(args, ctx) {
    const { values } = parseCommand(args, options, usage, false);
    const modelDirs = values.model ?? [];
    if (!modelDirs.length) throw new UsageError('missing required option --model', usage);
    const data = required(values.data, '--data', usage);
    const split = oneOf(values.split, SPLIT_NAMES, '--split', usage);
    return (await import('../actions/eval.ts')).evaluate(
      {
        modelDirs,
        data,
        split,
        gallery: values.gallery,
        report: values.report,
        tta: values.tta === true || values['tta-zoom'] === true,
        zoom: values['tta-zoom'] === true,
      },
      ctx,
    );
  },
};
