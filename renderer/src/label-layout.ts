/**
 * Where each face's short label goes so that no two labels overlap and, where
 * there is room, no label covers another face: tried in order above the box,
 * below it, inside its top edge, then further up or down in label-height
 * steps; the first free place wins, else the one covering the least. Shared
 * by the live view and photo Predict (views/face-overlay.ts), with the
 * hit-test of a hover or click. Pure: no DOM.
 */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelRequest {
  /** The face's box, in the canvas's pixels. */
  box: Rect;
  /** The label's size, in the canvas's pixels. */
  w: number;
  h: number;
}

const overlapArea = (a: Rect, b: Rect): number =>
  Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

/** One rectangle per request, inside `width` x `height` where the label fits. */
export function layoutLabels(requests: LabelRequest[], width: number, height: number): Rect[] {
  const placed: Rect[] = [];
  const out: Rect[] = new Array(requests.length);
  // Top-most faces first, so the labels above them are taken before lower faces push theirs up.
  const order = requests
    .map((_, i) => i)
    .sort((a, b) => requests[a].box.y - requests[b].box.y || requests[a].box.x - requests[b].box.x);
  for (const i of order) {
    const { box, w, h } = requests[i];
    const clampX = (x: number) => Math.max(0, Math.min(x, width - w));
    const clampY = (y: number) => Math.max(0, Math.min(y, height - h));
    const xs = [clampX(box.x), clampX(box.x + box.w - w), clampX(box.x + (box.w - w) / 2)];
    const ys = [box.y - h - 2, box.y + box.h + 2, box.y + 2];
    const steps = Math.ceil(height / h);
    for (let k = 1; k <= steps; k++) ys.push(box.y - h - 2 - k * h, box.y + box.h + 2 + k * h);
    let best: Rect | null = null;
    let bestCost = Infinity;
    for (const y0 of ys) {
      for (const x of xs) {
        const r: Rect = { x, y: clampY(y0), w, h };
        // Another label under this one is what must never happen; covering a face only costs.
        const labelCover = placed.reduce((a, p) => a + overlapArea(r, p), 0);
        const faceCover = requests.reduce((a, q, j) => a + (j === i ? 0 : overlapArea(r, q.box)), 0);
        const cost = labelCover * 1e6 + faceCover + Math.abs(r.y - (box.y - h)) * 1e-3;
        if (cost < bestCost) {
          best = r;
          bestCost = cost;
        }
        if (labelCover === 0 && faceCover === 0) break;
      }
      if (bestCost < 1) break;
    }
    out[i] = best!;
    placed.push(best!);
  }
  return out;
}

export function rectsOverlap(a: Rect, b: Rect): boolean {
  return overlapArea(a, b) > 0;
}

/** A face as drawn: its box and its label, in canvas pixels. */
export interface DrawnFace {
  id: number;
  box: Rect;
  label: Rect;
}

/** The face under a point (canvas pixels): its label first, then the smallest box containing it. */
export function faceAt(drawn: DrawnFace[], x: number, y: number): number | null {
  const inside = (r: Rect) => x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h;
  const byLabel = drawn.find((d) => inside(d.label));
  if (byLabel) return byLabel.id;
  const boxes = drawn.filter((d) => inside(d.box)).sort((a, b) => a.box.w * a.box.h - b.box.w * b.box.h);
  return boxes[0]?.id ?? null;
}
