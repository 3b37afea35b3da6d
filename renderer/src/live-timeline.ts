/**
 * The live view's recording: per analysed frame and face, the time, the face's
 * id and box and both models' own probabilities (unsmoothed: what the models
 * said). Kept in memory only; written to disk when the user exports it. Pure.
 */
import { MODEL_SLOTS, type ModelSlot } from '../../src/contract/contract.ts';
import type { Box, SlotProbs } from './live-tracker.ts';

export interface TimelineRow {
  timeMs: number;
  faceId: number;
  box: Box;
  probabilities: SlotProbs;
}

export class Timeline {
  readonly rows: TimelineRow[] = [];
  classes: Partial<Record<ModelSlot, string[]>> = {};

  add(
    timeMs: number,
    faces: { id: number; box: Box; raw: SlotProbs }[],
    classes: Partial<Record<ModelSlot, string[]>>,
  ): void {
    this.classes = classes;
    for (const f of faces)
      this.rows.push({
        timeMs: Math.round(timeMs),
        faceId: f.id,
        box: f.box.map(Math.round) as Box,
        probabilities: f.raw,
      });
  }

  json(): string {
    return JSON.stringify({ classes: this.classes, rows: this.rows }, null, 1);
  }

  csv(): string {
    const slots = MODEL_SLOTS.filter((s) => this.classes[s]);
    const head = [
      'time_ms',
      'face_id',
      'x',
      'y',
      'w',
      'h',
      ...slots.flatMap((s) => this.classes[s]!.map((c) => `${s}_${c}`)),
    ];
    const lines = this.rows.map((r) =>
      [
        r.timeMs,
        r.faceId,
        ...r.box,
        ...slots.flatMap((s) => this.classes[s]!.map((_, i) => r.probabilities[s]?.[i]?.toFixed(5) ?? '')),
      ].join(','),
    );
    return [head.join(','), ...lines].join('\n') + '\n';
  }
}
