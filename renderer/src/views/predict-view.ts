/**
 * The photo with its face boxes and labels drawn on a canvas, and for each
 * face the 7-class probabilities of the CNN and the RNN side by side.
 */
import { MODEL_LABELS, MODEL_SLOTS, type PredictionResult } from '../../../src/contract/contract.ts';
import { el, pct } from '../format.ts';

const BOX_COLOURS = ['#2ea043', '#d29922', '#a371f7', '#db61a2'];

export async function renderPrediction(root: HTMLElement, photo: Blob, p: PredictionResult, onWholeImage: () => void): Promise<void> {
  // Photo on the left, the answers on the right: both visible without scrolling.
  const left = el('div', undefined, 'photo-side');
  const right = el('div', undefined, 'result-side');
  root.replaceChildren(left, right);
  const canvas = el('canvas', undefined, 'photo');
  left.append(canvas);
  await drawPhoto(canvas, photo, p);
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
    const labels = MODEL_SLOTS.filter((s) => face.models[s]).map((s) => `${MODEL_LABELS[s]} says ${face.models[s]!.label}`);
    card.append(el('h3', `Face ${i + 1}: ${labels.join(', ')}`));
    const cols = el('div', undefined, 'prob-columns');
    for (const slot of MODEL_SLOTS) {
      const m = face.models[slot];
      if (!m) continue;
      const col = el('div', undefined, 'prob-column');
      col.dataset.model = slot;
      col.append(el('h4', MODEL_LABELS[slot]));
      for (const [cls, prob] of Object.entries(m.probabilities)) {
        const r = el('div', undefined, cls === m.label ? 'prob-row top' : 'prob-row');
        const bar = el('span', undefined, 'bar');
        const fill = el('span', undefined, 'fill');
        fill.style.width = `${(prob * 100).toFixed(1)}%`;
        bar.append(fill);
        r.append(el('span', cls, 'cls'), bar, el('span', pct(prob), 'val'));
        col.append(r);
      }
      cols.append(col);
    }
    card.append(cols);
    right.append(card);
  });
}

async function drawPhoto(canvas: HTMLCanvasElement, photo: Blob, p: PredictionResult): Promise<void> {
  const bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
  const scale = Math.min(1, 420 / bitmap.width, 400 / bitmap.height);
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const g = canvas.getContext('2d')!;
  g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  // Boxes are in the decoded image's pixels, which may differ from the bitmap's (EXIF rotation).
  const sx = canvas.width / p.width;
  const sy = canvas.height / p.height;
  g.lineWidth = 3;
  g.font = 'bold 15px system-ui, sans-serif';
  p.faces.forEach((f, i) => {
    if (p.wholeImage) return;
    const [x, y, w, h] = f.box;
    const colour = BOX_COLOURS[i % BOX_COLOURS.length];
    g.strokeStyle = colour;
    g.strokeRect(x * sx, y * sy, w * sx, h * sy);
    const label = `${i + 1}: ${MODEL_SLOTS.filter((s) => f.models[s]).map((s) => `${MODEL_LABELS[s]} ${f.models[s]!.label}`).join(' / ')}`;
    const ty = Math.max(18, y * sy - 6);
    const width = g.measureText(label).width + 8;
    // Keep the label inside the canvas even for faces near the right edge.
    const tx = Math.max(0, Math.min(x * sx, canvas.width - width));
    g.fillStyle = 'rgba(0,0,0,0.65)';
    g.fillRect(tx, ty - 16, width, 20);
    g.fillStyle = '#fff';
    g.fillText(label, tx + 4, ty);
  });
  canvas.dataset.faces = String(p.wholeImage ? 0 : p.faces.length);
  bitmap.close();
}
