/** The live view's tracker: ids across frames, smoothing, fresh starts, stable labels. */
import { describe, expect, it } from 'vitest';
import { FaceTracker, iou, meanProbabilities, type Box, type Detection } from '../../renderer/src/live-tracker.ts';

const onehot = (k: number, p = 0.9): number[] => Array.from({ length: 7 }, (_, i) => (i === k ? p : (1 - p) / 6));
const det = (box: Box, cls = 3, p = 0.9): Detection => ({
  box,
  probabilities: { cnn: onehot(cls, p), rnn: onehot(cls, p) },
});

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint ones, and the overlap ratio otherwise', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 0, 10, 10])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(50 / 150);
  });
});

describe('FaceTracker', () => {
  it('keeps an id while a face moves across frames, and two faces apart', () => {
    const t = new FaceTracker();
    let ids: number[] = [];
    for (let f = 0; f < 30; f++) {
      const tracks = t.update([det([100 + f * 8, 100, 120, 120]), det([400 - f * 3, 120, 100, 100], 0)], f * 66);
      if (f === 0) ids = tracks.map((x) => x.id);
      expect(tracks.map((x) => x.id)).toEqual(ids);
    }
    expect(new Set(ids).size).toBe(2);
  });

  it('matches by overlap, not by order: swapped detections keep their ids', () => {
    const t = new FaceTracker();
    const [a, b] = t.update([det([0, 0, 100, 100]), det([300, 0, 100, 100])], 0);
    const again = t.update([det([305, 0, 100, 100]), det([5, 0, 100, 100])], 66);
    expect(again.map((x) => x.id)).toEqual([b.id, a.id]);
  });

  it('gives a new id to a face that was gone longer than forgetMs, and that face starts fresh', () => {
    const t = new FaceTracker({ forgetMs: 500 });
    for (let f = 0; f < 20; f++) t.update([det([100, 100, 100, 100], 3)], f * 50);
    const back = t.update([det([100, 100, 100, 100], 5)], 950 + 600);
    expect(back[0].id).toBe(2);
    // Fresh: its probabilities are this frame's, not mixed with the old face's.
    expect(back[0].probabilities.cnn).toEqual(onehot(5));
    expect(back[0].label).toBe(5);
  });

  it('keeps the id through a short dropout (a missed detection)', () => {
    const t = new FaceTracker();
    const first = t.update([det([100, 100, 100, 100])], 0)[0].id;
    t.update([], 66);
    t.update([], 132);
    expect(t.update([det([104, 100, 100, 100])], 200)[0].id).toBe(first);
  });

  it('smooths: one odd frame does not change the label, a lasting change does', () => {
    const t = new FaceTracker();
    let now = 0;
    for (let f = 0; f < 15; f++) t.update([det([100, 100, 100, 100], 3)], (now += 66));
    const odd = t.update([det([100, 100, 100, 100], 4, 0.95)], (now += 66))[0];
    expect(odd.label).toBe(3);
    expect(odd.probabilities.cnn![3]).toBeGreaterThan(odd.probabilities.cnn![4]);
    expect(odd.raw.cnn).toEqual(onehot(4, 0.95));
    let last = odd;
    for (let f = 0; f < 30; f++) last = t.update([det([100, 100, 100, 100], 4, 0.95)], (now += 66))[0];
    expect(last.label).toBe(4);
  });

  it('does not flip the label between two nearly equal classes (hysteresis)', () => {
    const t = new FaceTracker();
    const near = (lead: number): number[] => {
      const p = new Array(7).fill(0.02);
      p[3] = 0.45 + lead;
      p[6] = 0.45 - lead;
      return p;
    };
    const labels = new Set<number>();
    for (let f = 0; f < 60; f++) {
      const lead = f % 2 ? 0.03 : -0.03;
      labels.add(t.update([{ box: [100, 100, 100, 100], probabilities: { cnn: near(lead) } }], f * 200)[0].label);
    }
    expect(labels.size).toBe(1);
  });

  it('averages the models for the label and leaves out a model with no answer', () => {
    expect(meanProbabilities({ cnn: [0.2, 0.8], rnn: [0.6, 0.4] })).toEqual([0.4, 0.6000000000000001]);
    expect(meanProbabilities({ cnn: [0.2, 0.8] })).toEqual([0.2, 0.8]);
    expect(meanProbabilities({})).toEqual([]);
  });

  it('restarts ids after reset (a new camera session)', () => {
    const t = new FaceTracker();
    t.update([det([0, 0, 50, 50]), det([100, 0, 50, 50])], 0);
    t.reset();
    expect(t.update([det([0, 0, 50, 50])], 10)[0].id).toBe(1);
  });
});

describe('FaceTracker at a low frame rate', () => {
  it('follows a face that moved past any overlap between two frames, but not one that jumped across the frame', () => {
    const t = new FaceTracker();
    const id = t.update([det([100, 100, 60, 60])], 0)[0].id;
    // 45 px right: IoU 0.08, centre 0.75 box sizes away.
    expect(t.update([det([145, 100, 60, 60])], 500)[0].id).toBe(id);
    expect(t.update([det([400, 300, 60, 60])], 1000)[0].id).not.toBe(id);
  });
});
