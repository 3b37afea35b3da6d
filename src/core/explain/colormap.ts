/**
 * Viridis, the perceptually uniform colour map (van der Walt and Smith, matplotlib's
 * default): equal steps in heat look like equal steps in colour and it stays readable
 * in gray and to colour-blind eyes, unlike the rainbow "jet" most Grad-CAM pictures use.
 * Every 15th entry of matplotlib's 256-entry table (18 anchors), linearly interpolated: at most
 * 5 levels of 255 from the full table on any channel.
 */
const ANCHORS: readonly [number, number, number][] = [
  [68, 1, 84],
  [72, 23, 105],
  [71, 42, 122],
  [67, 61, 132],
  [61, 78, 138],
  [53, 94, 141],
  [46, 109, 142],
  [41, 123, 142],
  [35, 137, 142],
  [31, 151, 139],
  [33, 165, 133],
  [46, 179, 124],
  [70, 192, 111],
  [101, 203, 94],
  [137, 213, 72],
  [176, 221, 47],
  [216, 226, 25],
  [253, 231, 37],
];

/** 256 RGB entries, built once. */
export const VIRIDIS: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const a = Math.min(ANCHORS.length - 2, Math.floor(i / 15));
    const f = (i - a * 15) / 15;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(ANCHORS[a][c] * (1 - f) + ANCHORS[a + 1][c] * f);
  }
  return lut;
})();

/** The colour of heat `t` (0..1, clamped) as [r, g, b]. */
export function viridis(t: number): [number, number, number] {
  const i = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255) * 3;
  return [VIRIDIS[i], VIRIDIS[i + 1], VIRIDIS[i + 2]];
}
