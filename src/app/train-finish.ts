/** Puts a finished (or cancelled) training run into the session and says what happened. */
import { promises as fs } from 'node:fs';
import { MODEL_LABELS } from '../contract/contract.ts';
import type { JobDeps } from './jobs/job-deps.ts';
import type { TrainOutcome } from './jobs/train-job.ts';
import { testLine } from './narrate.ts';

export function trainFinished(deps: JobDeps, out: TrainOutcome): void {
  const label = MODEL_LABELS[out.slot];
  if (!out.model) {
    deps.log(`${label} training stopped before its first epoch finished: the previous ${label} is kept`, 'warn');
    return;
  }
  const old = deps.session.models[out.slot];
  // Older runs of this session are superseded; the shipped models/ folder is never touched.
  if (old?.summary.origin === 'trained' && old.fer.dir !== out.dir)
    void fs.rm(old.fer.dir, { recursive: true, force: true });
  deps.session.setModel(out.slot, out.model);
  const epochs = out.model.summary.history.length;
  if (out.cancelled)
    deps.log(`${label} training cancelled after ${epochs} complete epoch(s): keeping the best of those`, 'warn');
  deps.log(`${label} ready: ${out.model.summary.description}`);
  if (out.report) {
    deps.session.reports[out.slot] = out.report;
    if (out.evaluation) deps.session.evaluations[out.slot] = out.evaluation;
    deps.log(testLine(out.report));
  }
}
