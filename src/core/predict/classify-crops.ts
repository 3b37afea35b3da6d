/**
 * Every model's probabilities for the same face crops. With the classification
 * helper ready (classify-helper.ts), every other model runs on the helper
 * thread while this thread runs the rest, so a CNN and an RNN take about as
 * long as the slower of the two. A helper that fails costs time, never the
 * answer: its models are redone here.
 */
import type { Dataset } from '../dataset/types.ts';
import { predictProbs } from '../eval/evaluate.ts';
import type { FerModel } from '../model-io/load-fer-model.ts';
import { pixelsForModel } from '../input/model-input.ts';
import type { ThreadWork } from '../thread-work.ts';
import { helperProbs } from '../eval/classify-helper.ts';

export interface ClassifyOptions {
  tta?: boolean;
  zoom?: boolean;
  /** Counts the models each thread classified. */
  work?: ThreadWork;
}

export async function classifyCrops(
  models: FerModel[],
  crops: Dataset,
  opts: ClassifyOptions = {},
): Promise<Float32Array[]> {
  const work = opts.work ?? { here: 0, helper: 0 };
  const local = (m: FerModel): Promise<Float32Array> => {
    work.here++;
    return predictProbs(m, pixelsForModel(m.meta, crops), crops.labels, opts);
  };
  // Sent first, so the helper works while this thread does its share.
  const remote = models.map((m, i) =>
    i % 2 === 1 ? helperProbs(m, pixelsForModel(m.meta, crops), crops.count, opts) : null,
  );
  remote.forEach((r) => r?.catch(() => undefined)); // handled below; keeps a failure while we work from being "unhandled"
  const out: Float32Array[] = [];
  for (const [i, m] of models.entries()) if (!remote[i]) out[i] = await local(m);
  for (const [i, m] of models.entries()) {
    const r = remote[i];
    if (!r) continue;
    try {
      out[i] = await r;
      work.helper++;
    } catch {
      out[i] = await local(m);
    }
  }
  return out;
}
