/** Heat drawn over a picture with the colour map (colormap.ts), pure pixels (no DOM, no codec). */
import { VIRIDIS } from './colormap.ts';

/**
 * RGB `pixels` (w x h) with `heat` (w x h, 0..1) blended on top: `alpha` of the colour at
 * full heat, fading with the heat, so cool parts of the face stay visible under the map.
 */
export function overlayHeat(pixels: Uint8Array, heat: Float32Array, alpha = 0.6): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < heat.length; i++) {
    const t = Math.min(1, Math.max(0, heat[i] || 0));
    const c = Math.round(t * 255) * 3;
    const a = alpha * (0.35 + 0.65 * t);
    for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.round(pixels[i * 3 + k] * (1 - a) + VIRIDIS[c + k] * a);
  }
  return out;
}

/** A vertical colour scale, w x h RGB, hottest at the top. */
export function colourScale(w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const c = Math.round((1 - y / Math.max(1, h - 1)) * 255) * 3;
    for (let x = 0; x < w; x++) out.set(VIRIDIS.subarray(c, c + 3), (y * w + x) * 3);
  }
  return out;
}

/** Each heat value (0..1) as its colour, RGB. */
export function colourRows(heat: Float32Array): Uint8Array {
  const out = new Uint8Array(heat.length * 3);
  for (let i = 0; i < heat.length; i++) {
    const c = Math.round(Math.min(1, Math.max(0, heat[i] || 0)) * 255) * 3;
    out.set(VIRIDIS.subarray(c, c + 3), i * 3);
  }
  return out;
}
