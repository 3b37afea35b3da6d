import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src/core/dataset/types.ts';
import { toGrayResized, toRgbResized } from '../../../src/core/image/resize-stack.ts';

function dataset(images: number[], h: number, w: number, channels: 1 | 3, count = 1): Dataset {
  return {
    format: 'npy',
    source: 'test',
    classes: ['a'],
    count,
    height: h,
    width: w,
    channels,
    images: Uint8Array.from(images),
    labels: new Uint8Array(count),
    split: null,
  };
}

describe('toGrayResized', () => {
  it('returns the same dataset when it is already gray at the right size', () => {
    const ds = dataset([1, 2, 3, 4], 2, 2, 1);
    expect(toGrayResized(ds, 2)).toBe(ds);
  });

  it('converts RGB with BT.601 luma weights', () => {
    // pure red, green, blue, white
    const ds = dataset([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], 2, 2, 3);
    const out = toGrayResized(ds, 2);
    expect(out.channels).toBe(1);
    expect(Array.from(out.images)).toEqual([76, 150, 29, 255]);
  });

  it('shrinks by averaging the covered area (4x4 -> 2x2 = mean of each 2x2 block)', () => {
    const img = [0, 10, 100, 100, 20, 30, 100, 100, 200, 200, 7, 9, 200, 200, 11, 13];
    const out = toGrayResized(dataset(img, 4, 4, 1), 2);
    expect(Array.from(out.images)).toEqual([15, 100, 200, 10]);
  });

  it('shrinks by a non-integer factor without losing the mean (3x3 -> 2x2)', () => {
    const img = [0, 90, 180, 30, 120, 210, 60, 150, 240];
    const out = toGrayResized(dataset(img, 3, 3, 1), 2);
    // each output pixel covers 1.5 x 1.5 input pixels
    const expected = [
      (0 + 90 * 0.5 + 30 * 0.5 + 120 * 0.25) / 2.25,
      (180 + 90 * 0.5 + 210 * 0.5 + 120 * 0.25) / 2.25,
      (60 + 30 * 0.5 + 150 * 0.5 + 120 * 0.25) / 2.25,
      (240 + 150 * 0.5 + 210 * 0.5 + 120 * 0.25) / 2.25,
    ].map(Math.round);
    expect(Array.from(out.images)).toEqual(expected);
  });

  it('enlarges bilinearly between pixel centres (1x2 -> 4 wide)', () => {
    const out = toGrayResized(dataset([0, 200, 0, 200], 2, 2, 1), 4);
    // x centres map to -0.25, 0.25, 0.75, 1.25 -> clamped, 0.25, 0.75, clamped
    expect(Array.from(out.images.subarray(0, 4))).toEqual([0, 50, 150, 200]);
  });

  it('handles many images and keeps labels and splits', () => {
    const ds = {
      ...dataset(
        new Array(3 * 48 * 48).fill(0).map((_, i) => i % 251),
        48,
        48,
        1,
        3,
      ),
      labels: Uint8Array.from([0, 1, 2]),
      split: Uint8Array.from([0, 1, 2]),
    };
    const out = toGrayResized(ds, 32);
    expect(out.images.length).toBe(3 * 32 * 32);
    expect(out.labels).toBe(ds.labels);
    expect(out.split).toBe(ds.split);
    expect([out.height, out.width, out.count]).toEqual([32, 32, 3]);
  });
});

describe('toRgbResized', () => {
  it('replicates gray into three equal channels', () => {
    const out = toRgbResized(dataset([10, 20, 30, 40], 2, 2, 1), 2);
    expect(out.channels).toBe(3);
    expect(Array.from(out.images)).toEqual([10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
  });

  it('resizes each colour channel separately', () => {
    const px = [100, 0, 200];
    const out = toRgbResized(dataset([...px, ...px, ...px, ...px], 2, 2, 3), 1);
    expect(Array.from(out.images)).toEqual(px);
  });
});
