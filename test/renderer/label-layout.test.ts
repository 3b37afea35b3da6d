/** Face labels never overlap one another, stay on the canvas, and avoid covering faces where there is room. */
import { describe, expect, it } from 'vitest';
import { layoutLabels, rectsOverlap, type LabelRequest, type Rect } from '../../renderer/src/label-layout.ts';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const noOverlaps = (rs: Rect[]): boolean => rs.every((a, i) => rs.every((b, j) => i === j || !rectsOverlap(a, b)));

describe('layoutLabels', () => {
  it('puts a lone label just above its face', () => {
    const [r] = layoutLabels([{ box: { x: 100, y: 100, w: 80, h: 80 }, w: 60, h: 18 }], 640, 480);
    expect(r).toEqual({ x: 100, y: 100 - 18 - 2, w: 60, h: 18 });
  });

  it('keeps labels inside the canvas for faces at its edges', () => {
    const rs = layoutLabels(
      [
        { box: { x: 600, y: 0, w: 40, h: 40 }, w: 90, h: 18 },
        { box: { x: 0, y: 440, w: 40, h: 40 }, w: 90, h: 18 },
      ],
      640,
      480,
    );
    for (const r of rs) {
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.w).toBeLessThanOrEqual(640);
      expect(r.y + r.h).toBeLessThanOrEqual(480);
    }
  });

  it('a group photo row of six faces: no label overlaps another or covers a face', () => {
    // Six faces side by side, as close as in a group photo; each label wider than its face.
    const reqs: LabelRequest[] = Array.from({ length: 6 }, (_, i) => ({
      box: { x: 20 + i * 100, y: 200, w: 90, h: 90 },
      w: 120,
      h: 20,
    }));
    const rs = layoutLabels(reqs, 640, 480);
    expect(noOverlaps(rs)).toBe(true);
    for (const r of rs) for (const q of reqs) expect(rectsOverlap(r, q.box)).toBe(false);
  });

  it('never overlaps two labels, on 200 random crowded scenes', () => {
    const rnd = seeded(7);
    for (let scene = 0; scene < 200; scene++) {
      const n = 1 + Math.floor(rnd() * 8);
      const reqs: LabelRequest[] = Array.from({ length: n }, () => {
        const s = 30 + rnd() * 120;
        return { box: { x: rnd() * (640 - s), y: rnd() * (480 - s), w: s, h: s }, w: 50 + rnd() * 70, h: 18 };
      });
      const rs = layoutLabels(reqs, 640, 480);
      expect(rs).toHaveLength(n);
      expect(noOverlaps(rs)).toBe(true);
    }
  });
});
