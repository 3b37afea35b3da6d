/**
 * Snapshot of the live view: the last analysed frame with its boxes and labels as a PNG, and
 * its faces' smoothed probabilities as JSON, both downloaded under one time-stamped name.
 */
import { MODEL_SLOTS, type LiveFrameResult } from '../../../src/contract/contract.ts';
import type { Track } from '../live-tracker.ts';
import { download, downloadText } from './export.ts';
import { drawOverlay } from './face-overlay.ts';
import { labelOf, shortLabel } from './live-face-cards.ts';

/** Draws `src` at the origin of `g`, flipped left to right when `mirror` (as the video is shown). */
export function drawMirrored(g: CanvasRenderingContext2D, src: HTMLCanvasElement, mirror: boolean): void {
  if (!mirror) return g.drawImage(src, 0, 0);
  g.save();
  g.scale(-1, 1);
  g.drawImage(src, -src.width, 0);
  g.restore();
}

export const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

export function saveSnapshot(
  result: LiveFrameResult,
  tracks: Track[],
  frame: HTMLCanvasElement,
  mirror: boolean,
): void {
  const c = document.createElement('canvas');
  c.width = frame.width;
  c.height = frame.height;
  const g = c.getContext('2d')!;
  drawMirrored(g, frame, mirror);
  drawOverlay(
    g,
    tracks.map((tr) => ({ id: tr.id, box: tr.box, label: shortLabel(tr, result) })),
    { scale: 1, sourceWidth: result.width, mirror, fontPx: 14 },
  );
  const name = `fer-live-${stamp()}`;
  download(`${name}.png`, c.toDataURL('image/png'));
  const faces = tracks.map((tr) => ({
    id: tr.id,
    box: tr.box.map(Math.round),
    label: labelOf(tr, result),
    probabilities: Object.fromEntries(
      MODEL_SLOTS.filter((s) => tr.probabilities[s]).map((s) => [
        s,
        Object.fromEntries(result.classes[s]!.map((cls, i) => [cls, tr.probabilities[s]![i]])),
      ]),
    ),
  }));
  const meta = { time: new Date().toISOString(), width: result.width, height: result.height };
  const json = { ...meta, detector: result.detector, backend: result.backend, faces };
  downloadText(`${name}.json`, JSON.stringify(json, null, 1), 'application/json');
}
