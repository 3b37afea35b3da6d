/** Training curves as a small SVG (rendered to PNG with sharp), so reports need no browser or canvas. */
import type { EpochRecord } from '../src/core/models/types.ts';

export function curvesSvg(title: string, history: EpochRecord[], width = 640, height = 360): string {
  const pad = { l: 50, r: 20, t: 30, b: 40 };
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const n = Math.max(2, history.length);
  const x = (e: number) => pad.l + ((e - 1) / (n - 1)) * w;
  const y = (v: number) => pad.t + (1 - v) * h;
  const line = (vals: (number | null)[], color: string, dash: string) => {
    const pts = vals
      .map((v, i) => (v == null ? null : `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`))
      .filter(Boolean)
      .join(' ');
    return `<polyline fill="none" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}" points="${pts}"/>`;
  };
  const grid = [0, 0.2, 0.4, 0.6, 0.8, 1]
    .map(
      (v) =>
        `<line x1="${pad.l}" x2="${pad.l + w}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${pad.l - 8}" y="${y(v) + 4}" font-size="11" text-anchor="end">${(v * 100).toFixed(0)}%</text>`,
    )
    .join('');
  const ticks = history
    .map((r) => `<text x="${x(r.epoch)}" y="${pad.t + h + 16}" font-size="11" text-anchor="middle">${r.epoch}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>${grid}${ticks}
<text x="${width / 2}" y="18" font-size="14" text-anchor="middle">${title}</text>
<text x="${width / 2}" y="${height - 6}" font-size="11" text-anchor="middle">epoch</text>
${line(
  history.map((r) => r.accuracy),
  '#1f77b4',
  '6,4',
)}${line(
    history.map((r) => r.valAccuracy),
    '#d62728',
    '',
  )}
<text x="${pad.l + 10}" y="${pad.t + 14}" font-size="12" fill="#1f77b4">training accuracy (augmented batches, dashed)</text>
<text x="${pad.l + 10}" y="${pad.t + 30}" font-size="12" fill="#d62728">PublicTest accuracy (solid)</text>
</svg>`;
}
