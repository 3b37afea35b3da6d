/**
 * The photo, as large as the space allows, with its face boxes and short
 * labels ("2 happy") drawn by the overlay the live view uses (labels never
 * collide), and for each face a card with the 7-class probabilities of the
 * CNN and the RNN side by side. Hovering or clicking a face highlights its card.
 */
import { MODEL_LABELS, MODEL_SLOTS, type FacePrediction, type HeatMapsResult, type PredictionResult } from '../../../src/contract/contract.ts';
import { el } from '../format.ts';
import { canvasPoint, drawOverlay, faceAt, faceColour, type DrawnFace } from './face-overlay.ts';
import { ProbBars } from './prob-bars.ts';

/** Longer side of the canvas the photo is drawn on; CSS then fits it to the space on screen. */
const CANVAS_SIDE = 1600;
/** Label text height on screen, in CSS pixels. */
const LABEL_PX = 15;

/** `loadHeat` computes the heat maps (asked for only when the user turns them on). */
export async function renderPrediction(root: HTMLElement, photo: Blob, p: PredictionResult, onWholeImage: () => void, loadHeat?: () => Promise<HeatMapsResult>): Promise<void> {
  // Photo on the left, the answers on the right: both visible without scrolling.
  const left = el('div', undefined, 'photo-side');
  const right = el('div', undefined, 'result-side');
  root.replaceChildren(left, right);
  const canvas = el('canvas', undefined, 'photo');
  left.append(canvas);
  const cards: HTMLElement[] = [];
  let drawn = await drawPhoto(canvas, photo, p);
  // Above the photo, where the eye already is, and visible whatever the log pane covers.
  if (loadHeat && p.faces.length) left.prepend(heatControls(p, loadHeat, async (heat) => { drawn = await drawPhoto(canvas, photo, p, heat); }));
  const highlight = (id: number | null, scroll: boolean) => {
    cards.forEach((c, i) => c.classList.toggle('highlight', i + 1 === id));
    if (scroll && id) cards[id - 1]?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  canvas.onmousemove = (e) => { const q = canvasPoint(canvas, e); highlight(faceAt(drawn, q.x, q.y), false); };
  canvas.onmouseleave = () => highlight(null, false);
  canvas.onclick = (e) => { const q = canvasPoint(canvas, e); highlight(faceAt(drawn, q.x, q.y), true); };
  const used = MODEL_SLOTS.filter((s) => p.modelsUsed[s]).map((s) => `${MODEL_LABELS[s]}: ${p.modelsUsed[s]}`);
  left.append(el('p', `Models in use — ${used.join('; ')}`, 'note models-used'));
  if (!p.faces.length) {
    const msg = el('div', undefined, 'no-face');
    msg.append(el('strong', `No face found in ${p.file}.`), el('span', ' The Haar face detector found no frontal face. '));
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
    const labels = MODEL_SLOTS.filter((s) => face.models[s]).map((s) => `${MODEL_LABELS[s]} says ${face.models[s]!.label}`);
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

interface ShownHeat { result: HeatMapsResult; slot: string }

async function drawPhoto(canvas: HTMLCanvasElement, photo: Blob, p: PredictionResult, heat?: ShownHeat | null): Promise<DrawnFace[]> {
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
  const drawn = drawOverlay(g, faces, { scale: canvas.width / p.width, sourceWidth: p.width, fontPx: (LABEL_PX * canvas.width) / shown });
  // Where the labels went, in canvas pixels: for the end-to-end test and assistive tools.
  canvas.dataset.labels = JSON.stringify(drawn.map((d) => [d.label.x, d.label.y, d.label.w, d.label.h].map(Math.round)));
  return drawn;
}

/** Each face's heat for `slot`, stretched over its box (the maps are computed on the box the detector gave). */
async function drawHeat(g: CanvasRenderingContext2D, heat: ShownHeat, scale: number): Promise<void> {
  for (const f of heat.result.faces) {
    const m = f.models[heat.slot];
    if (!m) continue;
    const img = new Image();
    img.src = m.overlay;
    await img.decode();
    const [x, y, w, h] = f.box;
    g.imageSmoothingEnabled = true;
    g.drawImage(img, x * scale, y * scale, w * scale, h * scale);
  }
}

/**
 * "Show heat maps": computed once on demand (a backward pass per model and face), then
 * drawn for the chosen model, with the colour scale as a legend.
 */
function heatControls(p: PredictionResult, loadHeat: () => Promise<HeatMapsResult>, redraw: (heat: ShownHeat | null) => Promise<void>): HTMLElement {
  const row = el('div', undefined, 'heat-controls');
  row.style.cssText = 'display:flex;flex-wrap:wrap;align-items:center;gap:0.3em 1em;margin-bottom:0.4em';
  const label = el('label');
  const toggle = el('input');
  toggle.type = 'checkbox';
  toggle.id = 'show-heat';
  label.append(toggle, el('span', ' Show heat maps'));
  const slots = MODEL_SLOTS.filter((s) => p.modelsUsed[s]);
  const pick = el('select');
  pick.id = 'heat-model';
  pick.setAttribute('aria-label', 'Heat map of model');
  for (const s of slots) pick.append(new Option(MODEL_LABELS[s], s));
  pick.hidden = true;
  const legend = el('span', undefined, 'heat-legend');
  legend.hidden = true;
  const note = el('span', '', 'note');
  row.append(label, pick, legend, note);
  let result: HeatMapsResult | null = null;
  const show = async () => {
    if (!toggle.checked) {
      pick.hidden = true;
      legend.hidden = true;
      note.textContent = '';
      await redraw(null);
      return;
    }
    toggle.disabled = true;
    note.textContent = 'Computing where each model looked…';
    try {
      result ??= await loadHeat();
    } catch (e) {
      toggle.checked = false;
      note.textContent = `No heat maps: ${e instanceof Error ? e.message : String(e)}`;
      return;
    } finally {
      toggle.disabled = false;
    }
    const first = result.faces[0]?.models[pick.value];
    const method = first?.method === 'gradient-x-input' ? 'gradient x input' : 'Grad-CAM';
    note.textContent = `Where the ${MODEL_LABELS[pick.value] ?? pick.value} looked for its answer (${method})`;
    pick.hidden = slots.length < 2;
    const img = el('img');
    img.src = result.legend;
    img.alt = 'colour scale: purple = no heat, yellow = most';
    img.style.verticalAlign = 'middle';
    legend.replaceChildren(el('span', 'none '), img, el('span', ' most'));
    legend.hidden = false;
    await redraw({ result, slot: pick.value });
  };
  toggle.onchange = () => void show();
  pick.onchange = () => void show();
  return row;
}

/** One word per face: the class the models' mean probability ranks first. */
function shortLabel(f: FacePrediction): string {
  const sum: Record<string, number> = {};
  for (const slot of MODEL_SLOTS) for (const [cls, v] of Object.entries(f.models[slot]?.probabilities ?? {})) sum[cls] = (sum[cls] ?? 0) + v;
  return Object.entries(sum).reduce((a, b) => (b[1] > a[1] ? b : a), ['?', -1])[0];
}
