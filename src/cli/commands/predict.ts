/** `fer predict --model <dir> <image>...`: find the faces in photos and classify each. */
import { COMMON_OPTIONS, oneOf, parseCommand, UsageError } from '../args.ts';
import type { DetectorKind } from '../../core/face/detector.ts';
import type { Command } from '../context.ts';

const usage =
  'fer predict --model <dir> [--model <dir>] <image>... [--detector yunet|haar] [--whole-image] [--no-tta] [--tta-zoom] [--explain <dir>] [--json]';
// Spelled out (checked against the core's type) so that parsing arguments loads no detector code.
const DETECTORS = ['yunet', 'haar'] as const satisfies readonly DetectorKind[];

const options = {
  ...COMMON_OPTIONS,
  model: { type: 'string', multiple: true },
  'whole-image': { type: 'boolean' },
  'no-tta': { type: 'boolean' },
  'tta-zoom': { type: 'boolean' },
  detector: { type: 'string' },
  explain: { type: 'string' },
} as const;

export const predictCommand: Command = {
  name: 'predict',
  summary: 'detect faces in photos (YuNet, or the Haar cascade) and classify the expression of each',
  usage,
  help: `usage: ${usage}

Decodes each image (JPEG, PNG, WebP, TIFF, BMP...; EXIF orientation honoured),
finds faces, crops each with a margin and classifies it.

  --model <dir>    a model saved by "fer train"; give it more than once (a CNN and an
                   RNN, or two CNNs) to compare: each face then carries every
                   model's answer, keyed by kind (a second CNN is "cnn-2")
  --detector <d>   yunet (default): the YuNet detector (ONNX), which finds close-up
                   and partly covered faces; falls back to haar where no ONNX
                   Runtime loads (the line "detector: ..." says which ran)
                   haar: the Haar cascade, the reference application's detector
  --whole-image    when no face is found, classify the whole image instead
  --no-tta         classify each face once, not averaged with its mirror image
  --tta-zoom       also average a 1.1x centre zoom and its mirror image (4 views)
  --explain <dir>  also write where each model looked: one PNG per face and model
                   (the face, its heat map for the model's answer, the colour
                   scale): Grad-CAM on the last convolutional block, gradient x
                   input for a model without convolutions
  --json           one line per image:
                   {"file","detector","faces":[{"box":[x,y,w,h],"score","label",
                   "probabilities":{class:p}}]} (score: YuNet's confidence; none for haar)
                   (no face: "faces": [])

A file that cannot be read or decoded gets one "fer: <file>: <problem>" line on
stderr; the other files are still predicted, and the exit code is 1.`,
  async run(args, ctx) {
    const { values, positionals } = parseCommand(args, options, usage, true);
    const dirs = values.model ?? [];
    if (!dirs.length) throw new UsageError('missing required option --model', usage);
    if (!positionals.length) throw new UsageError('missing <image>', usage);
    const detector = oneOf(values.detector, DETECTORS, '--detector', usage) ?? 'yunet';
    return (await import('../actions/predict.ts')).predict(
      {
        modelDirs: dirs,
        files: positionals,
        wholeImage: values['whole-image'] === true,
        tta: values['no-tta'] !== true,
        zoom: values['tta-zoom'] === true,
        detector,
        explainDir: values.explain,
      },
      ctx,
    );
  },
};
