/** Bilinear resampling of heat maps (float, one channel), sample centres aligned. */

/** `map` (sw x sh) resampled to dw x dh; `src` picks a sub-rectangle of it (in map pixels). */
export function resizeMap(
  map: Float32Array,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
  src: { x: number; y: number; w: number; h: number } = { x: 0, y: 0, w: sw, h: sh },
): Float32Array {
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(sh - 1, Math.max(0, src.y + ((y + 0.5) / dh) * src.h - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(sw - 1, Math.max(0, src.x + ((x + 0.5) / dw) * src.w - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = fx - x0;
      const top = map[y0 * sw + x0] * (1 - wx) + map[y0 * sw + x1] * wx;
      const bottom = map[y1 * sw + x0] * (1 - wx) + map[y1 * sw + x1] * wx;
      out[y * dw + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/**
 * The part of a face crop's map that covers the detected box: crops are the box grown by
 * `margin` (core/face/crop.ts), so the box is the centre 1 / (1 + margin) of the crop.
 */
export function mapOverBox(map: Float32Array, size: number, boxW: number, boxH: number, margin: number): Float32Array {
  const inner = size / (1 + margin);
  const off = (size - inner) / 2;
  return resizeMap(map, size, size, Math.max(1, Math.round(boxW)), Math.max(1, Math.round(boxH)), {
    x: off,
    y: off,
    w: inner,
    h: inner,
  });
}
