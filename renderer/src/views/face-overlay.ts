/**
 * Face boxes with short labels ("3 happy") drawn over a photo or a video
 * frame: the one overlay of photo Predict and the live view. Labels are
 * placed by label-layout.ts so they never collide; details live in the
 * per-face cards. Returns where it drew, for hit-testing a hover or click.
 */
import { layoutLabels, type DrawnFace, type Rect } from '../label-layout.ts';

export { faceAt, type DrawnFace } from '../label-layout.ts';

export const FACE_COLOURS = ['#2ea043', '#d29922', '#a371f7', '#db61a2', '#1f6feb', '#e5534b'];

export interface OverlayFace {
  id: number;
  /** [x, y, w, h] in the source image's pixels. */
  box: [number, number, number, number];
  label: string;
}

export interface OverlayOptions {
  /** Canvas pixels per source pixel. */
  scale: number;
  /** Source image width: needed to mirror boxes. */
  sourceWidth: number;
  /** Draw boxes mirrored left-right (the video is shown mirrored). */
  mirror?: boolean;
  /** Label text height in canvas pixels. */
  fontPx: number;
  /** The face whose card is highlighted: drawn thicker. */
  highlight?: number | null;
}

export const faceColour = (id: number): string => FACE_COLOURS[(id - 1) % FACE_COLOURS.length];

export function drawOverlay(g: CanvasRenderingContext2D, faces: OverlayFace[], o: OverlayOptions): DrawnFace[] {
  const { width, height } = g.canvas;
  g.font = `600 ${o.fontPx}px system-ui, sans-serif`;
  g.textBaseline = 'middle';
  const pad = Math.round(o.fontPx * 0.3);
  const boxes: Rect[] = faces.map((f) => {
    const [x, y, w, h] = f.box;
    return { x: (o.mirror ? o.sourceWidth - x - w : x) * o.scale, y: y * o.scale, w: w * o.scale, h: h * o.scale };
  });
  const labels = layoutLabels(
    faces.map((f, i) => ({ box: boxes[i], w: g.measureText(f.label).width + 2 * pad, h: Math.round(o.fontPx * 1.4) })),
    width,
    height,
  );
  faces.forEach((f, i) => {
    const colour = faceColour(f.id);
    const b = boxes[i];
    g.lineWidth = Math.max(2, o.fontPx / (f.id === o.highlight ? 3 : 6));
    g.strokeStyle = colour;
    g.strokeRect(b.x, b.y, b.w, b.h);
    const l = labels[i];
    g.fillStyle = colour;
    g.fillRect(l.x, l.y, l.w, l.h);
    g.fillStyle = '#fff';
    g.fillText(f.label, l.x + pad, l.y + l.h / 2);
  });
  return faces.map((f, i) => ({ id: f.id, box: boxes[i], label: labels[i] }));
}

/** Canvas pixels under a mouse event (the canvas may be shown scaled by CSS). */
export function canvasPoint(canvas: HTMLCanvasElement, e: MouseEvent): { x: number; y: number } {
  const r = canvas.getBoundingClientRect();
  return { x: ((e.clientX - r.left) * canvas.width) / r.width, y: ((e.clientY - r.top) * canvas.height) / r.height };
}
