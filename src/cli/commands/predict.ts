/** `fer predict --model <dir> <image>...`: find the faces in photos and classify each. */
import { COMMON_OPTIONS, parseCommand, UsageError } from '../args.ts';
import type { Command } from '../context.ts';

const usage = 'fer predict --model <dir> [--model <dir>] <image>... [--whole-image] [--no-tta] [--tta-zoom] [--json]';

const options = {
  ...COMMON_OPTIONS,
  model: { type: 'string', multiple: true },
  'whole-image': { type: 'boolean' },
  'no-tta': { type: 'boolean' },
  'tta-zoom': { type: 'boolean' },
} as const;

export const predictCommand: Command = {
  name: 'predict',
  summary: 'detect faces in photos (Haar cascade) and classify the expression of each',
  usage,
  help: `usage: ${usage}

Decodes each image (JPEG, PNG, WebP, TIFF, BMP...; EXIF orientation honoured),
finds faces with the Haar cascade, crops each with a margin and classifies it.

  --model <dir>    a model saved by "fer train"; give it twice (e.g. a CNN and an
                   RNN) to compare: each face then carries every model's answer
  --whole-image    when no face is found, classify the whole image instead
  --no-tta         classify each face once, not averaged with its mirror image
  --tta-zoom       also average a 1.1x centre zoom and its mirror image (4 views)
  --json           one line per image:
                   {"file","faces":[{"box":[x,y,w,h],"label","probabilities":{class:p}}]}
                   (no face: "faces": [])

A file that cannot be read or decoded gets one "fer: <file>: <problem>" line on
stderr; the other files are still predicted, and the exit code is 1.`,
  async run(args, ctx) {
    const { values, positionals } = parseCommand(args, options, usage, true);
    const dirs = values.model ?? [];
    if (!dirs.length) throw new UsageError('missing required option --model', usage);
    if (!positionals.length) throw new UsageError('missing <image>', usage);
    return (await import('../actions/predict.ts')).predict({ modelDirs: dirs, files: positionals, wholeImage: values['whole-image'] === true, tta: values['no-tta'] !== true, zoom: values['tta-zoom'] === true }, ctx);
  },
};
