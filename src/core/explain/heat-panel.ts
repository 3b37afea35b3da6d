/**
 * One PNG per face and model: the photo's face box | the heat map over it | the colour
 * scale with its legend ("where the model looked" for the named class).
 */
import sharp from 'sharp';
import { colourRows, colourScale, overlayHeat } from './overlay.ts';
import { resizeMap } from './resize-map.ts';

export interface HeatPanelInput {
  /** The photo, RGB, width x height. */
  rgb: Uint8Array;
  width: number;
  height: number;
  /** The face box in the photo, [x, y, w, h]. */
  box: [number, number, number, number];
  /** Heat over the box, boxWidth x boxHeight, 0..1. */
  boxMap: Float32Array;
  boxWidth: number;
  boxHeight: number;
  /** e.g. "CNN: happy (Grad-CAM)". */
  title: string;
}

const SIDE = 192;
const GAP = 8;
const BAR = 20;
const LEGEND = 110;
const HEAD = 26;

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function heatPanelPng(p: HeatPanelInput): Promise<Uint8Array> {
  const [bx, by, bw, bh] = p.box.map(Math.round);
  const left = Math.min(p.width - 1, Math.max(0, bx));
  const top = Math.min(p.height - 1, Math.max(0, by));
  const region = {
    left,
    top,
    width: Math.max(1, Math.min(bw, p.width - left)),
    height: Math.max(1, Math.min(bh, p.height - top)),
  };
  // Stretched to a square, as the model's crop is; the map covers the same box.
  const face = new Uint8Array(
    await sharp(p.rgb, { raw: { width: p.width, height: p.height, channels: 3 } })
      .extract(region)
      .resize(SIDE, SIDE, { fit: 'fill' })
      .raw()
      .toBuffer(),
  );
  const heat = resizeMap(p.boxMap, p.boxWidth, p.boxHeight, SIDE, SIDE);
  const width = SIDE * 2 + GAP * 3 + BAR + LEGEND;
  const height = HEAD + SIDE + GAP;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<style>text{font-family:DejaVu Sans,Arial,sans-serif;font-size:12px;fill:#222}</style>
<text x="${GAP}" y="17" style="font-size:14px;font-weight:bold">${escapeXml(p.title)}</text>
<text x="${SIDE * 2 + GAP * 3 + BAR + 6}" y="${HEAD + 12}">1 = most heat</text>
<text x="${SIDE * 2 + GAP * 3 + BAR + 6}" y="${HEAD + SIDE / 2 + 4}">0.5</text>
<text x="${SIDE * 2 + GAP * 3 + BAR + 6}" y="${HEAD + SIDE}">0 = none</text>
</svg>`;
  const raw = (data: Uint8Array, w: number, h: number) => ({
    input: Buffer.from(data),
    raw: { width: w, height: h, channels: 3 as const },
  });
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([
      { ...raw(face, SIDE, SIDE), left: GAP, top: HEAD },
      { ...raw(overlayHeat(face, heat), SIDE, SIDE), left: SIDE + GAP * 2, top: HEAD },
      { ...raw(colourScale(BAR, SIDE), BAR, SIDE), left: SIDE * 2 + GAP * 3, top: HEAD },
      { input: Buffer.from(svg), left: 0, top: 0 },
    ])
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

/** The heat over a face box as an RGBA PNG: the colour map, more opaque where hotter (drawn over the photo). */
export async function heatOverlayPng(
  boxMap: Float32Array,
  width: number,
  height: number,
  alpha = 0.65,
): Promise<Uint8Array> {
  const rgba = new Uint8Array(width * height * 4);
  const rgb = colourRows(boxMap);
  for (let i = 0; i < boxMap.length; i++) {
    rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = Math.round(255 * alpha * (0.25 + 0.75 * Math.min(1, Math.max(0, boxMap[i] || 0))));
  }
  return new Uint8Array(
    await sharp(rgba, { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer(),
  );
}

/** The colour scale alone, 160 x 12, coolest on the left, for a legend under the photo. */
export async function colourScalePng(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp(colourScale(12, 160), { raw: { width: 12, height: 160, channels: 3 } })
      .rotate(90)
      .png()
      .toBuffer(),
  );
}
