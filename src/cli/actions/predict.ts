/** The work of `fer predict` (imported once the arguments are valid: it loads TensorFlow.js and OpenCV). */
import { initBackend } from '../../core/backend/init-backend.ts';
import { isFerError, throwIfCancelled } from '../../core/errors.ts';
import { createFaceDetector, describeDetector, type DetectorKind } from '../../core/face/detector.ts';
import { loadFerModel, type FerModel } from '../../core/model-io/load-fer-model.ts';
import { inferenceRuntimeName } from '../../core/onnx/onnx-classifier.ts';
import { predictImage, type FacePrediction, type ImagePrediction } from '../../core/predict/predict-image.ts';
import { EXIT, type CliContext } from '../context.ts';
import { writeHeatPanels } from './explain.ts';
import path from 'node:path';
import { percent } from '../progress-bar.ts';

export async function predict(
  a: {
    modelDirs: string[];
    files: string[];
    wholeImage: boolean;
    tta: boolean;
    zoom?: boolean;
    detector?: DetectorKind;
    explainDir?: string;
  },
  ctx: CliContext,
): Promise<number> {
  const backend = await initBackend(ctx.runtime.backend);
  const models: FerModel[] = [];
  for (const dir of a.modelDirs) models.push(await loadFerModel(dir));
  const runtime = [
    ...new Set(await Promise.all(models.map((m) => inferenceRuntimeName(m.model, m.dir, backend)))),
  ].join(' + ');
  if (!ctx.json) ctx.print(`backend: ${backend}; classifiers run on ${runtime}`);
  // Per-model results are keyed by slot (modelKeys): two CNNs answer as "cnn" and "cnn-2", in --model order.
  const detector = await createFaceDetector({ kind: a.detector ?? 'yunet' });
  if (!ctx.json)
    ctx.print(
      `detector: ${describeDetector(detector)}${detector.fallback ? ` (YuNet unavailable: ${detector.fallback})` : ''}`,
    );
  let failed = false;
  try {
    for (const file of a.files) {
      throwIfCancelled(ctx.signal);
      let result: ImagePrediction;
      try {
        result = await predictImage(models, file, {
          wholeImageIfNoFace: a.wholeImage,
          tta: a.tta,
          zoom: a.zoom,
          detector,
        });
      } catch (e) {
        // A bad file among several: report it on its own line and go on with the rest.
        if (!isFerError(e) || e.kind === 'cancelled') throw e;
        ctx.error(e.message);
        failed = true;
        continue;
      }
      const heatFiles =
        a.explainDir && result.faces.length
          ? await writeHeatPanels(models, file, a.explainDir, {
              wholeImageIfNoFace: a.wholeImage,
              tta: a.tta,
              zoom: a.zoom,
              detector,
              signal: ctx.signal,
            })
          : undefined;
      if (ctx.json)
        ctx.emit({ ...toJson(result, models.length > 1), runtime, ...(heatFiles ? { heatMaps: heatFiles } : {}) });
      else {
        printPrediction(ctx, result, models.length > 1);
        if (heatFiles)
          ctx.print(
            `  heat maps: ${heatFiles.length} PNG${heatFiles.length > 1 ? 's' : ''} in ${path.resolve(a.explainDir!)} (${heatFiles.map((f) => path.basename(f)).join(', ')})`,
          );
      }
    }
  } finally {
    await detector.dispose();
  }
  return failed ? EXIT.failure : EXIT.ok;
}

function toJson(r: ImagePrediction, perModel: boolean): object {
  return {
    file: r.file,
    width: r.width,
    height: r.height,
    wholeImage: r.wholeImage,
    detector: r.detector,
    faces: r.faces.map((f) => ({
      box: f.box,
      ...(f.score !== undefined ? { score: f.score } : {}),
      label: f.label,
      probabilities: f.probabilities,
      ...(perModel ? { models: f.models } : {}),
    })),
  };
}

function top(probabilities: Record<string, number>, n: number): string {
  return Object.entries(probabilities)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([c, p]) => `${c} ${percent(p, 0)}`)
    .join(', ');
}

function printPrediction(ctx: CliContext, r: ImagePrediction, perModel: boolean): void {
  if (!r.faces.length) {
    ctx.print(`${r.file}: no face found (use --whole-image to classify the whole image)`);
    return;
  }
  ctx.print(
    `${r.file}: ${r.wholeImage ? 'no face found; whole image classified' : `${r.faces.length} face${r.faces.length > 1 ? 's' : ''}`}`,
  );
  r.faces.forEach((f: FacePrediction, i) => {
    const where = r.wholeImage ? 'whole image' : `face ${i + 1} at [${f.box.join(', ')}]`;
    ctx.print(`  ${where}: ${f.label} (${top(f.probabilities, 3)})`);
    if (perModel)
      for (const [slot, m] of Object.entries(f.models))
        ctx.print(`    ${slot.padEnd(9)} ${m.label} (${top(m.probabilities, 3)})`);
  });
}
