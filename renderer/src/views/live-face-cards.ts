/**
 * The live view's face cards: one per tracked face, with its id and label, each model's
 * smoothed probabilities and a chart of the models' mean over the last minute. A card
 * whose face has gone is dimmed, and removed once the tracker would give the face a new id.
 */
import { MODEL_SLOTS, type LiveFrameResult, type ModelSlot } from '../../../src/contract/contract.ts';
import { el } from '../format.ts';
import { meanProbabilities, type Track } from '../live-tracker.ts';
import { faceColour } from './face-overlay.ts';
import { LiveChart } from './live-chart.ts';
import { ProbBars } from './prob-bars.ts';

/** How long a gone face keeps its card: the tracker's memory, after which it would come back with a new id. */
const GONE_MS = 1000;

interface FaceCard {
  root: HTMLElement;
  title: HTMLElement;
  bars: Partial<Record<ModelSlot, ProbBars>>;
  chart: LiveChart;
  lastSeen: number;
}

export class LiveFaceCards {
  private readonly cards = new Map<number, FaceCard>();

  /** `onHover(id)` when the pointer enters a card, `onHover(null)` when it leaves. */
  constructor(
    private readonly container: HTMLElement,
    private readonly onHover: (id: number | null) => void,
  ) {}

  /** Shows this frame's tracks at `now` (ms), `seconds` into the session. */
  update(result: LiveFrameResult, tracks: Track[], now: number, seconds: number): void {
    for (const tr of tracks) {
      let card = this.cards.get(tr.id);
      if (!card) {
        card = this.newCard(tr.id, result);
        this.cards.set(tr.id, card);
      }
      card.lastSeen = now;
      card.root.classList.remove('gone');
      card.title.textContent = `Face ${tr.id}: ${labelOf(tr, result)}`;
      for (const slot of MODEL_SLOTS) if (tr.probabilities[slot]) card.bars[slot]?.update(tr.probabilities[slot]!);
      card.chart.push(seconds, meanProbabilities(tr.probabilities));
    }
    const shown = new Set(tracks.map((tr) => tr.id));
    for (const [id, card] of this.cards) {
      if (shown.has(id)) continue;
      card.root.classList.add('gone');
      if (now - card.lastSeen > GONE_MS) this.remove(id, card);
    }
    this.container.dataset.count = String(tracks.length);
  }

  clear(): void {
    for (const [id, card] of this.cards) this.remove(id, card);
  }

  /** Marks face `id`'s card (none when null), scrolled into view if asked. */
  highlight(id: number | null, scroll: boolean): void {
    for (const [cid, c] of this.cards) c.root.classList.toggle('highlight', cid === id);
    if (scroll && id !== null) this.cards.get(id)?.root.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  private remove(id: number, card: FaceCard): void {
    card.chart.destroy();
    card.root.remove();
    this.cards.delete(id);
  }

  private newCard(id: number, result: LiveFrameResult): FaceCard {
    const root = el('section', undefined, 'face live-face');
    root.dataset.faceId = String(id);
    root.style.borderColor = faceColour(id);
    const title = el('h3');
    const cols = el('div', undefined, 'prob-columns');
    const bars: FaceCard['bars'] = {};
    for (const slot of MODEL_SLOTS) {
      const classes = result.classes[slot];
      if (!classes) continue;
      bars[slot] = new ProbBars(slot, classes);
      cols.append(bars[slot]!.element);
    }
    const box = el('div', undefined, 'live-chart');
    const canvas = el('canvas');
    box.append(canvas);
    root.append(title, cols, box);
    root.onmouseenter = () => this.onHover(id);
    root.onmouseleave = () => this.onHover(null);
    this.container.append(root);
    return { root, title, bars, chart: new LiveChart(canvas, classesOf(result)), lastSeen: 0 };
  }
}

/** The class names of the first slot that answered (every model of a session has the same classes). */
function classesOf(r: LiveFrameResult): string[] {
  return MODEL_SLOTS.map((s) => r.classes[s]).find((c) => c !== undefined) ?? [];
}

/** "happy": the models' mean smoothed label of the face. */
export function labelOf(tr: Track, r: LiveFrameResult): string {
  return classesOf(r)[tr.label] ?? '?';
}

/** "3 happy": the face's id and its label, as drawn on the video. */
export const shortLabel = (tr: Track, r: LiveFrameResult): string => `${tr.id} ${labelOf(tr, r)}`;
