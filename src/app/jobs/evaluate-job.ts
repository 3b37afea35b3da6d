/** Test accuracy + confusion matrix of the session's models on the preprocessed test split. */
import type { ModelSlot, TestReport } from '../../contract/contract.ts';
import { slotLabel } from '../../contract/contract.ts';
import { evaluateWithProbs } from '../../core/eval/evaluate.ts';
import type { GalleryModelInput } from '../../core/eval/gallery.ts';
import { FerError } from '../../core/errors.ts';
import { splitAsDataset, toTestReport } from '../convert.ts';
import type { JobContext } from '../job-runner.ts';
import type { FerModel } from '../../core/model-io/load-fer-model.ts';
import type { Preprocessed } from '../session.ts';

/** `threads` 2: share each model's images with the classification helper when it is ready. */
export interface TestEvaluation {
  reports: Partial<Record<ModelSlot, TestReport>>;
  /** Every test image's probabilities per slot (the confusion gallery ranks them). */
  evaluations: Partial<Record<ModelSlot, GalleryModelInput>>;
}

export async function evaluateOnTest(
  pre: Preprocessed | null,
  models: Partial<Record<ModelSlot, FerModel>>,
  ctx: JobContext,
  threads = 1,
): Promise<TestEvaluation> {
  if (!pre)
    throw new FerError('preprocess a dataset first: the comparison is measured on its test split', { kind: 'usage' });
  const r = pre.result;
  const part = r.test.count ? r.test : null;
  if (!part) throw new FerError(`${pre.datasetName} has no test images to measure on`, { kind: 'usage' });
  const on = `the test split of ${pre.datasetName} (${part.count} images, never trained on)`;
  const ds = splitAsDataset(part, {
    classes: r.classes,
    size: r.size,
    channels: r.channels,
    source: `${pre.datasetName} test split`,
  });
  const out: Partial<Record<ModelSlot, TestReport>> = {};
  const evaluations: Partial<Record<ModelSlot, GalleryModelInput>> = {};
  const todo = (Object.keys(models) as ModelSlot[]).filter((s) => models[s]);
  for (const [i, slot] of todo.entries()) {
    ctx.progress('evaluate', i / todo.length, `Measuring the ${slotLabel(slot)} on ${part.count} test images`);
    const { report, probs, truth } = await evaluateWithProbs(models[slot]!, ds, { threads, signal: ctx.signal });
    out[slot] = toTestReport(slot, report, on);
    evaluations[slot] = { slot, classes: report.classes, probs, truth };
  }
  ctx.progress('evaluate', 1, 'Measured');
  return { reports: out, evaluations };
}
