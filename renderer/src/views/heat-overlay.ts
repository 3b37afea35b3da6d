/**
 * Heat maps over faces (where each model looked), shared by Predict and the paused live
 * frame: the backend's overlays drawn over their boxes, and the toggle with its model
 * picker and colour-scale legend.
 */
import { MODEL_LABELS, type HeatMapsResult } from '../../../src/contract/contract.ts';
import { el } from '../format.ts';

export interface ShownHeat {
  result: HeatMapsResult;
  slot: string;
}

/** Each face's heat for `slot`, stretched over its box (the maps are computed on the box the detector gave). */
export async function drawHeat(g: CanvasRenderingContext2D, heat: ShownHeat, scale: number): Promise<void> {
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
export function heatControls(
  slots: string[],
  loadHeat: () => Promise<HeatMapsResult>,
  redraw: (heat: ShownHeat | null) => Promise<void>,
  idPrefix = '',
): HTMLElement {
  const row = el('div', undefined, 'heat-controls');
  row.style.cssText = 'display:flex;flex-wrap:wrap;align-items:center;gap:0.3em 1em;margin-bottom:0.4em';
  const label = el('label');
  const toggle = el('input');
  toggle.type = 'checkbox';
  toggle.id = `${idPrefix}show-heat`;
  label.append(toggle, el('span', ' Show heat maps'));
  const pick = el('select');
  pick.id = `${idPrefix}heat-model`;
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
