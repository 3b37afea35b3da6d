/**
 * The log area's sentences, in the spirit of the reference application which
 * printed what each button did (dataset path, image count, features before and
 * after PCA, accuracies). Pure functions of the wire types: easy to test.
 */
import type {
  DatasetSummary,
  EpochPoint,
  ModelSlot,
  PredictionResult,
  PreprocessSummary,
  TestReport,
} from '../contract/contract.ts';
import { slotLabel } from '../contract/contract.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function datasetLoaded(d: DatasetSummary, seconds: number): string[] {
  const [h, w, c] = d.imageShape;
  const lines = [
    `Dataset loaded: ${d.name}`,
    `  ${d.count} images of ${h}x${w}${c === 3 ? ' RGB' : ' gray'} (${d.format} format) in ${seconds.toFixed(1)} s`,
    `  ${d.classes.length} classes: ${d.classes.map((k) => `${k} ${d.perClass[k] ?? 0}`).join(', ')}`,
  ];
  lines.push(
    d.splits
      ? `  splits given by the data: train ${d.splits.train}, validation ${d.splits.validation}, test ${d.splits.test}`
      : '  no splits in the data: preprocessing makes a stratified train/validation/test split',
  );
  return lines;
}

export function preprocessed(p: PreprocessSummary): string[] {
  const pca =
    p.explainedVariance === null
      ? `  features per image: ${p.featuresBefore} in the data, ${p.featuresResized} after resizing (PCA off)`
      : `  features before PCA: ${p.featuresResized}${p.featuresBefore === p.featuresResized ? '' : ` (${p.featuresBefore} in the data)`}, after PCA: ${p.featuresAfter} components keeping ${pct(p.explainedVariance)} of the variance; the models see the PCA reconstruction`;
  return [
    `Preprocessed to ${p.size}x${p.size}${p.channels === 3 ? ' RGB' : ' gray'}, pixels scaled to 0..1 in ${p.seconds.toFixed(1)} s`,
    `  train ${p.counts.train}, validation ${p.counts.validation}, test ${p.counts.test} images`,
    pca,
  ];
}

export function epochLine(slot: ModelSlot, epochs: number, e: EpochPoint): string {
  const val = e.valAccuracy === null ? '' : `, validation accuracy ${pct(e.valAccuracy)}`;
  return `${slotLabel(slot)} epoch ${e.epoch}/${epochs}: training accuracy ${pct(e.accuracy)}${val}, loss ${e.loss.toFixed(3)} (${e.seconds.toFixed(1)} s)`;
}

export function testLine(r: TestReport): string {
  return `${slotLabel(r.slot)} test accuracy: ${pct(r.accuracy)} on ${r.on}`;
}

export function predictionLine(p: PredictionResult): string {
  if (!p.faces.length) return `No face found in ${p.file}`;
  const answers = p.faces.map((f) =>
    Object.entries(f.models)
      .flatMap(([slot, v]) => (v ? [`${slotLabel(slot)} ${v.label}`] : []))
      .join(', '),
  );
  return `Predicted ${p.file}: ${p.faces.length} face(s)${p.wholeImage ? ' (no face found: whole image)' : ''}: ${answers.join('; ')}`;
}
