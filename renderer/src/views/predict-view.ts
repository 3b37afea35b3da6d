/**
 * The photo, as large as the space allows, with its face boxes and short
 * labels ("2 happy") drawn by the overlay the live view uses (labels never
 * collide), and for each face a card with the 7-class probabilities of the
 * CNN and the RNN side by side. Hovering or clicking a face highlights its card.
 */
import {
  MODEL_LABELS,
  MODEL_SLOTS,
  type FacePrediction,
  type HeatMapsResult,
  type PredictionResult,
} from '../../../src/contract/contract.ts';
import { el } from '../format.ts';
import { canvasPoint, drawOverlay, faceAt, faceColour, type DrawnFace } from './face-overlay.ts';
import { ProbBars } from './prob-bars.ts';
import { drawHeat, heatControls, type ShownHeat } from './heat-overlay.ts';

/** Longer side of the canvas the photo is drawn on; CSS then fits it to the space on screen. */
const CANVAS_SIDE = 1600;
/** Label text height on screen, in CSS pixels. */
const LABEL_PX = 15;

/** `loadHeat` computes the heat maps (asked for only when the user turns them on). */
export async function renderPrediction(
  root: HTMLElement,
  photo: Blob,
  p: PredictionResult,
  onWholeImage: () => void,
  loadHeat?: () => Promise<HeatMapsResult>,
): Promise<void> {
  // Photo on the left, the answers on the right: both visible without scrolling.
  const left = el('div', undefined, 'photo-side');
  const right = el('div', undefined, 'result-side');
  root.replaceChildren(left, right);
  const canvas = el('canvas', undefined, 'photo');
  left.append(canvas);
  const cards: HTMLElement[] = [];
  let drawn = await drawPhoto(canvas, photo, p);
  // Above the photo, where the eye already is, and visible whatever the log pane covers.
  if (loadHeat && p.faces.length)
    left.prepend(
      heatControls(
        MODEL_SLOTS.filter((s) => p.modelsUsed[s]),
        loadHeat,
        async (heat) => {
          drawn = await drawPhoto(canvas, photo, p, heat);
        },
      ),
    );
  const highlight = (id: number | null, scroll: boolean) => {
    cards.forEach((c, i) => c.classList.toggle('highlight', i + 1 === id));
    if (scroll && id) cards[id - 1]?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  canvas.onmousemove = (e) => {
    const q = canvasPoint(canvas, e);
    highlight(faceAt(drawn, q.x, q.y), false);
  };
  canvas.onmouseleave = () => highlight(null, false);
  canvas.onclick = (e) => {
    const q = canvasPoint(canvas, e);
    highlight(faceAt(drawn, q.x, q.y), true);
  };
  const used = MODEL_SLOTS.filter((s) => p.modelsUsed[s]).map((s) => `${MODEL_LABELS[s]}: ${p.modelsUsed[s]}`);
  left.append(el('p', `Models in use — ${used.join('; ')}`, 'note models-used'));
  if (!p.faces.length) {
    const msg = el('div', undefined, 'no-face');
    msg.append(
      el('strong', `No face found in ${p.file}.`),
      el('span', ' The Haar face detector found no frontal face. '),
    );
    const btn = el('button', 'Classify the whole image instead');
    btn.type = 'button';
    btn.onclick = onWholeImage;
    msg.append(btn);
    right.append(msg);
    return;
  }
  if (p.wholeImage) right.append(el('p', 'No face was found: the whole image was classified.', 'note'));
  p.faces.forEach((face, i) => {
    const card = el('section', undefined, 'face');
    card.dataset.faceId = String(i + 1);
    if (!p.wholeImage) card.style.borderColor = faceColour(i + 1);
    card.onmouseenter = () => highlight(i + 1, false);
    card.onmouseleave = () => highlight(null, false);
    cards.push(card);
    const labels = MODEL_SLOTS.filter((s) => face.models[s]).map(
      (s) => `${MODEL_LABELS[s]} says ${face.models[s]!.label}`,
    );
    card.append(el('h3', `Face ${i + 1}: ${labels.join(', ')}`));
    const cols = el('div', undefined, 'prob-columns');
    for (const slot of MODEL_SLOTS) {
      const m = face.models[slot];
      if (!m) continue;
      const bars = new ProbBars(slot, Object.keys(m.probabilities));
      bars.update(Object.values(m.probabilities));
      cols.append(bars.element);
    }
    card.append(cols);
    right.append(card);
  });
}

async function drawPhoto(
  canvas: HTMLCanvasElement,
  photo: Blob,
  p: PredictionResult,
  heat?: ShownHeat | null,
): Promise<DrawnFace[]> {
  const bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
  // Drawn large (small photos enlarged too), then shown fitted to the space by CSS: the labels stay sharp.
  const scale = CANVAS_SIDE / Math.max(bitmap.width, bitmap.height);
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const g = canvas.getContext('2d')!;
  g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  if (heat) await drawHeat(g, heat, canvas.width / heat.result.width);
  canvas.dataset.heat = heat ? heat.slot : '';
  canvas.dataset.faces = String(p.wholeImage ? 0 : p.faces.length);
  if (p.wholeImage) return [];
  // Labels the same size on screen whatever the photo's size: canvas pixels per CSS pixel.
  const shown = canvas.getBoundingClientRect().width || Math.min(canvas.width, 640);
  const faces = p.faces.map((f, i) => ({ id: i + 1, box: f.box, label: `${i + 1} ${shortLabel(f)}` }));
  // Boxes are in the decoded image's pixels, which may differ from the bitmap's (EXIF rotation).
  const drawn = drawOverlay(g, faces, {
    scale: canvas.width / p.width,
    sourceWidth: p.width,
    fontPx: (LABEL_PX * canvas.width) / shown,
  });
  // Where the labels went, in canvas pixels: for the end-to-end test and assistive tools.
  canvas.dataset.labels = JSON.stringify(
    drawn.map((d) => [d.label.x, d.label.y, d.label.w, d.label.h].map(Math.round)),
  );
  return drawn;
}

/** One word per face: the class the models' mean probability ranks first. */
function shortLabel(f: FacePrediction): string {
  const sum: Record<string, number> = {};
  for (const slot of MODEL_SLOTS)
    for (const [cls, v] of Object.entries(f.models[slot]?.probabilities ?? {})) sum[cls] = (sum[cls] ?? 0) + v;
  return Object.entries(sum).reduce((a, b) => (b[1] > a[1] ? b : a), ['?', -1])[0];
}
