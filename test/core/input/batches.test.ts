import { describe, expect, it } from 'vitest';
import { fillBatch, NO_AUGMENT } from '../../../src/core/input/batches.ts';

const SIZE = 48;

/** An image whose value is a linear function of the coordinates: bilinear sampling is exact on it. */
function ramp(fx: number, fy: number, c: number): Uint8Array {
  const img = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) img[y * SIZE + x] = c + fx * x + fy * y;
  return img;
}

describe('fillBatch test-time zoom', () => {
  it('samples the central 44x44 at half-pixel centres (exact on a linear image)', () => {
    const img = ramp(2, 3, 20); // max 20 + 94 + 141 = 255
    const out = fillBatch(img, SIZE, [0], new Float32Array(SIZE * SIZE), { ...NO_AUGMENT, zoom: 1.1 });
    const n = 44;
    const src = (x: number) => 2 + Math.min(n - 1, Math.max(0, (x + 0.5) * (n / SIZE) - 0.5));
    for (const [x, y] of [
      [0, 0],
      [10, 30],
      [24, 24],
      [47, 47],
      [47, 0],
    ]) {
      expect(out[y * SIZE + x] * 255).toBeCloseTo(20 + 2 * src(x) + 3 * src(y), 3);
    }
    // The corners stay inside the crop: a zoom, not a shift.
    expect(out[0] * 255).toBeCloseTo(20 + 2 * 2 + 3 * 2, 3);
  });

  it('mirrors the zoomed view when asked, and leaves the plain path alone at zoom 1', () => {
    const img = ramp(4, 1, 10);
    const zoomed = fillBatch(img, SIZE, [0], new Float32Array(SIZE * SIZE), { ...NO_AUGMENT, zoom: 1.1 });
    const mirrored = fillBatch(img, SIZE, [0], new Float32Array(SIZE * SIZE), {
      ...NO_AUGMENT,
      zoom: 1.1,
      mirror: true,
    });
    for (let y = 0; y < SIZE; y += 7)
      for (let x = 0; x < SIZE; x += 5) expect(mirrored[y * SIZE + x]).toBe(zoomed[y * SIZE + SIZE - 1 - x]);
    const plain = fillBatch(img, SIZE, [0], new Float32Array(SIZE * SIZE), NO_AUGMENT);
    const one = fillBatch(img, SIZE, [0], new Float32Array(SIZE * SIZE), { ...NO_AUGMENT, zoom: 1 });
    expect(Array.from(one)).toEqual(Array.from(plain));
    expect(plain[5 * SIZE + 7] * 255).toBeCloseTo(10 + 4 * 7 + 5, 3);
  });

  it('fills each image of a batch from its own source', () => {
    const images = new Uint8Array(2 * SIZE * SIZE);
    images.fill(200, SIZE * SIZE);
    const out = fillBatch(images, SIZE, [1, 0], new Float32Array(2 * SIZE * SIZE), { ...NO_AUGMENT, zoom: 1.1 });
    expect(out[100]).toBeCloseTo(200 / 255, 6);
    expect(out[SIZE * SIZE + 100]).toBe(0);
  });
});
