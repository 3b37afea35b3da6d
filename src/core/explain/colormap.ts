/**
 * Viridis, the perceptually uniform colour map (van der Walt and Smith, matplotlib's
 * default): equal steps in heat look like equal steps in colour and it stays readable
 * in gray and to colour-blind eyes, unlike the rainbow "jet" most Grad-CAM pictures use.
 * 17 anchors of matplotlib's 256-entry table, linearly interpolated (the error is under
 * 2 levels of 255 per channel, below what a screen shows).
 */
const ANCHORS: readonly [number, number, number][] = [
  [68, 1, 84], [72, 26, 108], [71, 47, 125], [65, 68, 135], [57, 86, 140], [49, 104, 142], [42, 120, 142],
  [35, 136, 142], [31, 152, 139], [34, 168, 132], [53, 183, 121], [84, 197, 104], [122, 209, 81],
  [165, 219, 54], [210, 226, 27], [253, 231, 37], [253, 231, 37],
];

/** 256 RGB entries, built once. */
export const VIRIDIS: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  const steps = ANCHORS.length - 2; // the last anchor repeats the 1.0 colour, so i + 1 never runs off the end
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * steps;
    const a = Math.min(steps - 1, Math.floor(t));
    const f = t - a;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(ANCHORS[a][c] * (1 - f) + ANCHORS[a + 1][c] * f);
  }
  return lut;
})();

/** The colour of heat `t` (0..1, clamped) as [r, g, b]. */
export function viridis(t: number): [number, number, number] {
  const i = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255) * 3;
  return [VIRIDIS[i], VIRIDIS[i + 1], VIRIDIS[i + 2]];
}
