/** The colour map is viridis (matplotlib's ends) and ordered for the eye: more heat is lighter. */
import { expect, it } from 'vitest';
import { viridis } from '../../../src/core/explain/colormap.ts';
import { mapOverBox, resizeMap } from '../../../src/core/explain/resize-map.ts';

it('runs from viridis purple to yellow, lighter at every step', () => {
  expect(viridis(0)).toEqual([68, 1, 84]);
  expect(viridis(1)).toEqual([253, 231, 37]);
  expect(viridis(Number.NaN)).toEqual([68, 1, 84]);
  const luma = (t: number) => {
    const [r, g, b] = viridis(t);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  // Every 5 of the 256 levels (single 8-bit steps can tie after rounding).
  for (let i = 5; i <= 255; i += 5) expect(luma(i / 255)).toBeGreaterThan(luma((i - 5) / 255));
});

it('keeps a hot spot where it was when the map is enlarged, and the box is the crop without its margin', () => {
  const map = new Float32Array(6 * 6);
  map[1 * 6 + 4] = 1; // row 1, column 4
  const big = resizeMap(map, 6, 6, 48, 48);
  const hottest = big.indexOf(Math.max(...big));
  expect([Math.floor(hottest / 48 / 8), Math.floor((hottest % 48) / 8)]).toEqual([1, 4]);
  // A 48-pixel crop of a box grown by 20 %: the box is its central 40 pixels.
  const ramp = Float32Array.from({ length: 48 * 48 }, (_, i) => (i % 48) / 47);
  const over = mapOverBox(ramp, 48, 40, 40, 0.2);
  expect(over[0]).toBeCloseTo(4 / 47, 1);
  expect(over[39]).toBeCloseTo(43 / 47, 1);
});
