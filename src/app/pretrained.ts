/**
 * Loads the shipped models (models/cnn, models/rnn) at start-up when present,
 * so Predict works before any training. A missing model is normal (not yet
 * trained or not shipped); a broken one is reported and skipped.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelSlot } from '../contract/contract.ts';
import { MODEL_LABELS, MODEL_SLOTS } from '../contract/contract.ts';
import { loadFerModel } from '../core/model-io/load-fer-model.ts';
import { describeError } from './job-runner.ts';
import { toModelSummary } from './convert.ts';
import type { SessionModel } from './session.ts';

export interface PretrainedLoad {
  slot: ModelSlot;
  model?: SessionModel;
  error?: string;
}

export async function loadPretrained(dir: string): Promise<PretrainedLoad[]> {
  const out: PretrainedLoad[] = [];
  for (const slot of MODEL_SLOTS) {
    const modelDir = path.join(dir, slot);
    if (!existsSync(path.join(modelDir, 'model.json'))) continue;
    // Load from a private copy: loading may tidy up an interrupted save in place, and the
    // shipped folder must never be written to (a training script may be saving into it).
    const copy = path.join(os.tmpdir(), `fer-studio-pretrained-${process.pid}-${slot}`);
    try {
      await fs.rm(copy, { recursive: true, force: true });
      await fs.cp(modelDir, copy, { recursive: true });
      const fer = await loadFerModel(copy);
      const best = fer.meta.metrics.bestValAccuracy;
      const data = typeof fer.meta.options.data === 'string' ? `, ${fer.meta.options.data}` : '';
      const acc = typeof best === 'number' ? `, validation accuracy ${(best * 100).toFixed(1)} %` : '';
      const description = `pretrained ${MODEL_LABELS[slot]} (models/${slot}${data}${acc})`;
      out.push({ slot, model: { fer, summary: toModelSummary(slot, fer, 'pretrained', description) } });
    } catch (e) {
      out.push({ slot, error: describeError(e) });
    } finally {
      await fs.rm(copy, { recursive: true, force: true });
    }
  }
  return out;
}
