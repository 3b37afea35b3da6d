/**
 * Faces across camera frames: each detection is matched to the track it
 * overlaps most (box IoU, greedy, best pairs first; failing that, the nearest
 * track within a short jump), and each track's
 * probabilities are smoothed with an exponential moving average whose weight
 * follows the time between frames, so labels do not flicker whatever the
 * frame rate. A detection matching no track starts a new track with a new id
 * and its own probabilities only. The shown label changes only when another
 * class leads the current one by a margin (hysteresis). Pure: no DOM.
 */
import type { ModelSlot } from '../../src/contract/contract.ts';

export type Box = [number, number, number, number];
export type SlotProbs = Partial<Record<ModelSlot, number[]>>;

export interface Detection {
  box: Box;
  probabilities: SlotProbs;
}

export interface Track {
  id: number;
  /** Smoothed box, in frame pixels. */
  box: Box;
  /** Smoothed probabilities per model. */
  probabilities: SlotProbs;
  /** The latest frame's own (unsmoothed) probabilities. */
  raw: SlotProbs;
  /** Index of the shown class (the models' mean, with hysteresis). */
  label: number;
  firstSeen: number;
  lastSeen: number;
}

export interface TrackerOptions {
  /** Least box overlap for a detection to continue a track. Default 0.25. */
  minIou?: number;
  /**
   * Without that overlap (a fast move, or a slow frame rate), a detection still
   * continues the nearest track whose centre is within this many box sizes.
   * Default 0.8.
   */
  maxJump?: number;
  /** Time constant of the probability average, ms: about how long a change takes to show. Default 400. */
  smoothingMs?: number;
  /** Time constant of the box average, ms (boxes follow faster than labels). Default 60. */
  boxSmoothingMs?: number;
  /** A track not seen for this long is forgotten; its face coming back gets a new id. Default 1000. */
  forgetMs?: number;
  /** How far another class must lead the shown one before the label changes. Default 0.08. */
  labelMargin?: number;
}

export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** The mean of the models' distributions (models with no answer left out). */
export function meanProbabilities(p: SlotProbs): number[] {
  const lists = Object.values(p).filter((l): l is number[] => Array.isArray(l) && l.length > 0);
  if (!lists.length) return [];
  return lists[0].map((_, i) => lists.reduce((a, l) => a + (l[i] ?? 0), 0) / lists.length);
}

const centreDistance = (a: Box, b: Box): number =>
  Math.hypot(a[0] + a[2] / 2 - b[0] - b[2] / 2, a[1] + a[3] / 2 - b[1] - b[3] / 2);

const argmax = (v: number[]): number => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);

export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  private readonly o: Required<TrackerOptions>;

  constructor(opts: TrackerOptions = {}) {
    this.o = {
      minIou: 0.25,
      maxJump: 0.8,
      smoothingMs: 400,
      boxSmoothingMs: 60,
      forgetMs: 1000,
      labelMargin: 0.08,
      ...opts,
    };
  }

  /** Starts over (a new camera session): ids restart at 1. */
  reset(): void {
    this.tracks = [];
    this.nextId = 1;
  }

  /** The tracks of the faces in this frame, in the detections' order. */
  update(detections: Detection[], now: number): Track[] {
    this.tracks = this.tracks.filter((t) => now - t.lastSeen <= this.o.forgetMs);
    const pairs: { d: number; t: number; overlap: number }[] = [];
    detections.forEach((det, d) =>
      this.tracks.forEach((tr, t) => {
        const overlap = iou(det.box, tr.box);
        if (overlap >= this.o.minIou) return pairs.push({ d, t, overlap });
        // Overlapping pairs first (positive), then the nearest centres (negative, nearer = higher).
        const jump =
          centreDistance(det.box, tr.box) / Math.max(1, (det.box[2] + det.box[3] + tr.box[2] + tr.box[3]) / 4);
        if (jump <= this.o.maxJump) pairs.push({ d, t, overlap: -jump });
      }),
    );
    pairs.sort((a, b) => b.overlap - a.overlap);
    const trackOf = new Map<number, Track>();
    const taken = new Set<number>();
    for (const p of pairs) {
      if (trackOf.has(p.d) || taken.has(p.t)) continue;
      trackOf.set(p.d, this.tracks[p.t]);
      taken.add(p.t);
    }
    return detections.map((det, d) => {
      const tr = trackOf.get(d);
      if (!tr) return this.start(det, now);
      this.follow(tr, det, now);
      return tr;
    });
  }

  private start(det: Detection, now: number): Track {
    const probabilities = copy(det.probabilities);
    const t: Track = {
      id: this.nextId++,
      box: [...det.box],
      probabilities,
      raw: copy(det.probabilities),
      label: argmax(meanProbabilities(probabilities)),
      firstSeen: now,
      lastSeen: now,
    };
    this.tracks.push(t);
    return t;
  }

  private follow(t: Track, det: Detection, now: number): void {
    const dt = Math.max(0, now - t.lastSeen);
    const a = 1 - Math.exp(-dt / this.o.smoothingMs);
    const ab = 1 - Math.exp(-dt / this.o.boxSmoothingMs);
    t.box = t.box.map((v, i) => v + ab * (det.box[i] - v)) as Box;
    for (const [slot, p] of Object.entries(det.probabilities) as [ModelSlot, number[]][]) {
      const old = t.probabilities[slot];
      t.probabilities[slot] = old && old.length === p.length ? old.map((v, i) => v + a * (p[i] - v)) : [...p];
    }
    t.raw = copy(det.probabilities);
    t.lastSeen = now;
    const mean = meanProbabilities(t.probabilities);
    const best = argmax(mean);
    if (best !== t.label && !(mean[best] - (mean[t.label] ?? 0) < this.o.labelMargin)) t.label = best;
  }
}

function copy(p: SlotProbs): SlotProbs {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, [...(v ?? [])]]));
}
