/**
 * Evaluates the shipped models on FER2013 PublicTest and writes models/REPORT.md
 * (accuracy with and without TTA, per-class metrics, confusion matrix,
 * curves, parameters, FLOPs, training time, backend, reproduce command).
 *
 *   npx tsx scripts/report.ts [--data ../shared/datasets/fer2013/publictest.X.npy]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { loadDataset } from '../src/core/dataset/load-dataset.ts';
import { evaluateModel, predictProbs, selectImages } from '../src/core/eval/evaluate.ts';
import { writeNpy } from '../src/core/dataset/npy.ts';
import { argmaxRows } from '../src/core/train/infer.ts';
import type { EvalReport } from '../src/core/eval/metrics.ts';
import { loadFerModel } from '../src/core/model-io/load-fer-model.ts';
import { modelMacs } from '../src/core/models/flops.ts';
import { curvesSvg } from './curves-svg.ts';
import { CHOICES } from './report-choices.ts';

const cnnArchitecture = (stages: string) =>
  `VGG-style, 3x3 convolutions with batch norm and ReLU in stages of ${stages.replaceAll(';', ' | ').replaceAll(',', ', ')} filters, 2x2 max pooling between stages, global average pooling, dropout 0.4, softmax`;
const ARCHITECTURE: Record<string, string> = {
  cnn: cnnArchitecture('32;64,64;128,128;256'),
  rnn: 'convolutional stem (3x3 conv 32 and 64, batch norm, ReLU, 2x2 max pooling: 48x48 -> 12x12x64), then a bidirectional LSTM(128, sigmoid gates) reading the 12 feature rows (12 columns x 64 channels each) top-down and bottom-up, dropout 0.3, dense 128, softmax',
};

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/datasets/fer2013/publictest.X.npy' },
    models: { type: 'string', default: 'models' },
  },
});
const backend = await initBackend(runtimeOptionsFromEnv(process.env).backend); // FER_BACKEND, as the shells read it
const ds = await loadDataset(values.data!);
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

function table(r: EvalReport): string {
  const rows = r.classes.map(
    (c) =>
      `| ${c} | ${r.perClass[c].precision.toFixed(3)} | ${r.perClass[c].recall.toFixed(3)} | ${r.perClass[c].f1.toFixed(3)} | ${r.perClass[c].support} |`,
  );
  const conf = r.confusion.map((row, i) => `| **${r.classes[i]}** | ${row.join(' | ')} |`);
  return [
    '| class | precision | recall | F1 | support |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Confusion matrix (rows: true class, columns: predicted):`,
    '',
    `| | ${r.classes.join(' | ')} |`,
    `|---|${r.classes.map(() => '---').join('|')}|`,
    ...conf,
  ].join('\n');
}

// A committed fixture of PublicTest images and what each shipped model says about
// them, so the test suite can check the shipped files behave as this report says.
const FIXTURE_N = 48;
const fixtureDir = 'test/fixtures/shipped';
await fs.mkdir(fixtureDir, { recursive: true });
const fixture = selectImages(
  ds,
  Uint32Array.from({ length: FIXTURE_N }, (_, i) => i * 74),
);
await fs.writeFile(path.join(fixtureDir, 'publictest.X.npy'), writeNpy(fixture.images, [FIXTURE_N, 48, 48], 'u1'));
await fs.writeFile(path.join(fixtureDir, 'publictest.Y.npy'), writeNpy(fixture.labels, [FIXTURE_N], 'u1'));
const expected: Record<string, { predictions: number[]; ttaPredictions: number[]; accuracy: number }> = {};

const sections: string[] = [];
const summary: string[] = [];
for (const kind of ['cnn', 'rnn']) {
  const dir = path.join(values.models!, kind);
  let m;
  try {
    m = await loadFerModel(dir);
  } catch {
    continue;
  }
  const plain = await evaluateModel(m, ds);
  const tta = await evaluateModel(m, ds, { tta: true });
  const zoom = await evaluateModel(m, ds, { tta: true, zoom: true });
  const fx = await predictProbs(m, fixture.images, fixture.labels);
  const predictions = Array.from(argmaxRows(fx, m.meta.classes.length));
  const ttaPredictions = Array.from(
    argmaxRows(await predictProbs(m, fixture.images, fixture.labels, { tta: true }), m.meta.classes.length),
  );
  expected[kind] = {
    predictions,
    ttaPredictions,
    accuracy: predictions.filter((p, i) => p === fixture.labels[i]).length / FIXTURE_N,
  };
  const macs = modelMacs(m.model as unknown as Parameters<typeof modelMacs>[0]);
  const png = `${kind}-curves.png`;
  await sharp(Buffer.from(curvesSvg(`${kind.toUpperCase()}: accuracy per epoch`, m.meta.history)))
    .png()
    .toFile(path.join(values.models!, png));
  const opts = m.meta.options as Record<string, unknown>;
  const best = m.meta.history.reduce(
    (a, r) => ((r.valAccuracy ?? 0) > (a.valAccuracy ?? 0) ? r : a),
    m.meta.history[0],
  );
  const onGpu = typeof opts.trainer === 'string';
  const hours = `${(m.meta.seconds / 3600).toFixed(2)} h${onGpu ? ` (${m.meta.machine.split(',')[0]})` : ''}`;
  summary.push(
    `| ${kind.toUpperCase()} (\`${dir}/\`) | ${pct(plain.accuracy)} | ${pct(tta.accuracy)} | ${pct(zoom.accuracy)} | ${best.epoch} of ${m.meta.history.length} | ${m.model.countParams().toLocaleString('en')} | ${((2 * macs) / 1e6).toFixed(1)} M | ${hours} |`,
  );
  sections.push(
    [
      `## ${kind.toUpperCase()}`,
      '',
      `- PublicTest accuracy: **${pct(plain.accuracy)}** (${plain.n} images); with mirror test-time augmentation (how \`fer predict\` and the app classify faces): **${pct(tta.accuracy)}**; with 4 views (\`--tta-zoom\`: also a 1.1x centre zoom and its mirror): **${pct(zoom.accuracy)}**`,
      `- Architecture: ${kind === 'cnn' && typeof opts.stages === 'string' && opts.stages ? cnnArchitecture(opts.stages) : ARCHITECTURE[kind]}`,
      `- Parameters: ${m.model.countParams().toLocaleString('en')}; FLOPs per image: ${((2 * macs) / 1e6).toFixed(1)} M (2 x ${(macs / 1e6).toFixed(1)} M multiply-adds)`,
      `- Training: ${m.meta.history.length} epochs, ${(m.meta.seconds / 3600).toFixed(2)} h with \`${m.meta.backend}\`, ${m.meta.machine}; best epoch ${best.epoch}${onGpu ? ` (${String(opts.selected)})` : ''}; seed ${m.meta.seed}`,
      `- Options: \`${JSON.stringify(opts)}\``,
      `- Reproduce: ${onGpu ? gpuSteps(kind, opts) : `the commands in order in [RUNS.md](RUNS.md) (last run: \`--epochs ${opts.epochs ?? '?'} --seed ${m.meta.seed} --resume\`)`}, then \`npx fer eval --model models/${kind} --data ../shared/datasets/fer2013/publictest.X.npy --json\` (add \`--tta\` or \`--tta-zoom\` for the TTA figures)`,
      '',
      `![${kind} curves](${png})`,
      '',
      table(plain),
      '',
    ].join('\n'),
  );
  m.model.dispose();
}

const report = [
  '# Shipped models: evaluation report',
  '',
  `Generated by \`npx tsx scripts/report.ts\` on ${new Date().toISOString().slice(0, 10)} (backend \`${backend}\`). All figures are top-1 accuracy on FER2013 **PublicTest** (${ds.count} images, never used for training; used to choose the epoch). 280 PublicTest images are pixel-identical to training images, which flatters every model trained on FER2013 by up to ~1-2 points.`,
  '',
  '| model | PublicTest | mirror TTA (app) | 4-view TTA (--tta-zoom) | best epoch | parameters | FLOPs/image | training time |',
  '|---|---|---|---|---|---|---|---|',
  ...summary,
  '',
  'For comparison (same split, measured on this machine): face-api.js expression net 55.6 %; @vladmandic/human emotion 55.0 %; best published single network 73.3 % (300 GPU epochs, 10-crop TTA).',
  '',
  ...sections,
  "## The paper's numbers",
  '',
  'The reference application reported CNN "48 %" and RNN "88 %". Its source shows the 48 % is the last epoch\'s *training* accuracy (there was no test split), and the 88 % is Keras\' binary accuracy of a 7-output softmax compiled with binary cross-entropy: a model that never commits to a class already scores 6/7 = 85.7 %.',
  '',
  "`fer train --preset paper` re-creates that pipeline exactly (32x32x3 -> PCA to 2,352 components fitted on the training split -> coefficients reshaped to 28x28x3 for its CNN or 28x84 for its LSTM(100, relu) with binary cross-entropy; batch 16, Adam, 10 epochs) and prints the reference's metric next to the held-out one. Measured on the 910-row CSV sample (`npx fer train --data ../shared/datasets/samples/fer2013-sample.csv --model rnn --preset paper --epochs 2`): binary accuracy **85.7 %** (the artifact, reproduced), training accuracy 12.0 %, held-out accuracy **14.3 %** = chance.",
  '',
  ...(await paperSection()),
  ...CHOICES,
].join('\n');
/** Full-FER2013 runs of the reference pipelines, written by `scripts/train-fer2013.ts --preset paper`. */
async function paperSection(): Promise<string[]> {
  const rows: string[] = [];
  for (const kind of ['cnn', 'rnn']) {
    let p: PaperSummary;
    try {
      p = JSON.parse(await fs.readFile(path.join(values.models!, 'paper', `${kind}.json`), 'utf8')) as PaperSummary;
    } catch {
      continue;
    }
    const reported = kind === 'cnn' ? '48 % (training accuracy)' : '88 % (binary accuracy)';
    const reproduced =
      kind === 'cnn'
        ? `training accuracy ${pct(p.finalTrainAccuracy)}`
        : `binary accuracy ${pct(p.finalTrainBinaryAccuracy ?? 0)}, training accuracy ${pct(p.finalTrainAccuracy)}`;
    rows.push(
      `| ${kind.toUpperCase()} | ${reported} | ${reproduced} | **${pct(p.finalPublicTestAccuracy)}** (best epoch: ${pct(p.bestPublicTestAccuracy)}) | ${p.epochs} | \`${p.command}\` |`,
    );
  }
  if (!rows.length)
    return [
      'The paper pipelines have not been run on full FER2013 yet (`npx tsx scripts/train-fer2013.ts --preset paper --model cnn`).',
      '',
    ];
  return [
    "Trained on all 28,709 FER2013 training images with the reference's own settings (PCA fitted on them), scored on PublicTest:",
    '',
    '| paper model | it reported | the same pipeline here, last epoch | PublicTest accuracy (last epoch) | epochs | command |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'Its PCA keeps everything: FER2013 is gray, so the 32x32 RGB input has only 1,024 distinct features and 2,352 components explain 100 % of the variance (the "reduction" reduces nothing).',
    '',
    'So the reference\'s CNN really does reach about 48 % - on the images it trained on; on unseen faces it scores far less, and its "88 %" RNN is a binary-accuracy reading of a classifier whose PublicTest accuracy equals the share of happy faces (895 of 3,589 = 24.9 %): what answering "happy" for every face scores.',
    '',
  ];
}

/** How a model trained by scripts/gpu/train_torch_gpu.py is reproduced (its options are in meta.json). */
function gpuSteps(kind: string, o: Record<string, unknown>): string {
  const stages = typeof o.stages === 'string' && o.stages ? ` --stages "${o.stages}"` : '';
  const train = `python3 scripts/gpu/train_torch_gpu.py --kind ${String(o.kind)} --name ${String(o.name)} --opt ${String(o.opt)}${stages} --epochs ${String(o.epochs)} --seed ${String(o.seed)} --data <FER2013 folder> --out runs/gpu`;
  return `on a CUDA machine \`${train}\` (see [RUNS.md](RUNS.md): it ran beside two other trainings on one GPU), then \`npx tsx scripts/import-torch-weights.ts --manifest ${String(o.source)} --weights runs/gpu/${String(o.name)}.bin --out models/${kind}\` (checks tfjs reproduces PyTorch's outputs)`;
}

interface PaperSummary {
  finalTrainAccuracy: number;
  finalTrainBinaryAccuracy: number | null;
  finalPublicTestAccuracy: number;
  bestPublicTestAccuracy: number;
  epochs: number;
  command: string;
}

await fs.writeFile(path.join(values.models!, 'REPORT.md'), report + '\n');
await fs.writeFile(
  path.join(fixtureDir, 'expected.json'),
  JSON.stringify({ note: 'written by scripts/report.ts; PublicTest images 0, 74, 148, ...', ...expected }, null, 2) +
    '\n',
);
console.log(summary.join('\n'));
