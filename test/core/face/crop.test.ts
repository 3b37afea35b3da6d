import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropFace, expandBox, wholeImage } from '../../../src/core/face/crop.ts';
import { resizeGrayRect } from '../../../src/core/image/resample.ts';
import { PHOTOS } from './image-fixtures.ts';

const ramp = (w: number, h: number): Uint8Array =>
  Uint8Array.from({ length: w * h }, (_, i) => (i % w) * 10 + Math.floor(i / w));

describe('resizeGrayRect', () => {
  it('area-averages when shrinking by an integer factor', () => {
    const img = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]);
    expect([...resizeGrayRect(img, 4, { x: 0, y: 0, w: 4, h: 4 }, 2, 2)]).toEqual([25, 45, 105, 125]);
  });

  it('weights partial pixels when shrinking by a fractional factor (3 -> 2)', () => {
    // Output 0 covers source [0, 1.5): (0 + 0.5 * 90) / 1.5 = 30; output 1 covers [1.5, 3): (0.5 * 90 + 30) / 1.5 = 50
    expect([...resizeGrayRect(Uint8Array.from([0, 90, 30]), 3, { x: 0, y: 0, w: 3, h: 1 }, 2, 1)]).toEqual([30, 50]);
  });

  it('interpolates bilinearly with clamped edges when enlarging', () => {
    expect([...resizeGrayRect(Uint8Array.from([0, 100]), 2, { x: 0, y: 0, w: 2, h: 1 }, 4, 1)]).toEqual([
      0, 25, 75, 100,
    ]);
  });

  it('keeps a constant image constant and reads only the rectangle', () => {
    const img = new Uint8Array(20 * 10).fill(9);
    for (let y = 2; y < 7; y++) for (let x = 5; x < 12; x++) img[y * 20 + x] = 200;
    const out = resizeGrayRect(img, 20, { x: 5, y: 2, w: 7, h: 5 }, 13, 3);
    expect(out.every((v) => v === 200)).toBe(true);
  });

  it('equals 10x10 block means when shrinking a real photo 600x400 -> 60x40', async () => {
    const { data } = await sharp(`${PHOTOS}coffee.png`).grayscale().raw().toBuffer({ resolveWithObject: true });
    const ours = resizeGrayRect(data, 600, { x: 0, y: 0, w: 600, h: 400 }, 60, 40);
    const worst = Math.max(
      ...Array.from(ours, (v, i) => {
        const [bx, by] = [i % 60, Math.floor(i / 60)];
        let sum = 0;
        for (let dy = 0; dy < 10; dy++)
          for (let dx = 0; dx < 10; dx++) sum += data[(by * 10 + dy) * 600 + bx * 10 + dx];
        return Math.abs(v - Math.round(sum / 100));
      }),
    );
    expect(worst).toBeLessThanOrEqual(1); // float rounding only
  });
});

describe('cropFace / expandBox / wholeImage', () => {
  it('grows the box by the margin split over both sides, clamped to the image', () => {
    expect(expandBox({ x: 40, y: 40, w: 20, h: 10 }, 100, 100, 0.2)).toEqual({ x: 38, y: 39, w: 24, h: 12 });
    expect(expandBox({ x: 0, y: 90, w: 20, h: 20 }, 100, 100, 0.5)).toEqual({ x: 0, y: 85, w: 25, h: 15 });
  });

  it('crops the expanded box and resizes it to size x size', () => {
    const w = 64;
    const h = 48;
    const img = ramp(w, h);
    const crop = cropFace(img, w, h, { x: 10, y: 10, w: 20, h: 20 }, 0, 20);
    expect(crop.length).toBe(400);
    expect([crop[0], crop[19], crop[399]]).toEqual([img[10 * w + 10], img[10 * w + 29], img[29 * w + 29]]);
    expect(cropFace(img, w, h, { x: 10, y: 10, w: 20, h: 20 }).length).toBe(48 * 48);
  });

  it('survives boxes at or beyond the border and 1x1 images', () => {
    const img = ramp(30, 30);
    expect(cropFace(img, 30, 30, { x: 25, y: 25, w: 40, h: 40 }, 0.2, 8).length).toBe(64);
    expect(cropFace(img, 30, 30, { x: 50, y: 50, w: 5, h: 5 }, 0.2, 8).length).toBe(64);
    expect([...cropFace(Uint8Array.of(77), 1, 1, { x: 0, y: 0, w: 1, h: 1 }, 0.2, 3)]).toEqual(new Array(9).fill(77));
  });

  it('wholeImage resizes everything; bad sizes are programming errors', () => {
    const img = ramp(50, 20);
    const out = wholeImage(img, 50, 20, 10);
    expect(out.length).toBe(100);
    expect(out[0]).toBeLessThan(out[9]); // left-to-right ramp preserved
    expect(() => wholeImage(img, 50, 21, 10)).toThrow(RangeError);
    expect(() => cropFace(img, 50, 20, { x: 0, y: 0, w: 5, h: 5 }, 0.2, 0)).toThrow(RangeError);
  });
});
