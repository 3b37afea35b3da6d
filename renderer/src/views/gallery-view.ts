/**
 * The confusion gallery: the test images of a clicked confusion cell (or every
 * mistake of a model), most confident first, with each model's probabilities.
 * Pages of 24 come from the backend, which makes the thumbnails for that page only.
 */
import {
  slotLabel,
  type GalleryEntry,
  type GalleryPageResult,
  type RequestArgs,
} from '../../../src/contract/contract.ts';
import { el, pct } from '../format.ts';

export type GalleryQuery = Omit<RequestArgs<'galleryPage'>, 'offset' | 'limit'>;
const PAGE = 24;

export class GalleryView {
  private query: GalleryQuery | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly fetchPage: (q: RequestArgs<'galleryPage'>) => Promise<GalleryPageResult>,
  ) {}

  /** Clears the gallery (the reports it was drawn from were replaced). */
  clear(): void {
    this.query = null;
    this.root.replaceChildren();
  }

  async open(q: GalleryQuery, classes: string[]): Promise<void> {
    this.query = q;
    const what =
      q.wrongOnly && q.trueClass === null
        ? `${slotLabel(q.slot)}: most confidently wrong`
        : `${slotLabel(q.slot)}: true ${classes[q.trueClass!]}, predicted ${classes[q.predicted!]}`;
    const grid = el('div', undefined, 'gallery-grid');
    const head = el('h3', what);
    const count = el('p', 'Loading…', 'note');
    const close = el('button', 'Close gallery');
    close.type = 'button';
    close.onclick = () => this.clear();
    this.root.replaceChildren(head, count, close, grid);
    await this.more(q, grid, count, 0);
    this.root.scrollIntoView({ block: 'nearest' });
  }

  private async more(q: GalleryQuery, grid: HTMLElement, count: HTMLElement, offset: number): Promise<void> {
    const page = await this.fetchPage({ ...q, offset, limit: PAGE });
    if (this.query !== q) return; // another cell was clicked meanwhile
    const shown = offset + page.items.length;
    count.textContent = `${page.total} test image${page.total === 1 ? '' : 's'}, most confident first (${shown} shown); probabilities: each model's answer and its probability.`;
    for (const it of page.items) grid.append(item(it, page.classes));
    this.root.querySelector('.gallery-more')?.remove();
    if (shown < page.total) {
      const b = el('button', `Show ${Math.min(PAGE, page.total - shown)} more`, 'gallery-more');
      b.type = 'button';
      b.onclick = () => void this.more(q, grid, count, shown);
      this.root.append(b);
    }
  }
}

function item(it: GalleryEntry, classes: string[]): HTMLElement {
  const fig = el('figure', undefined, 'gallery-item');
  const img = el('img');
  img.src = it.image;
  img.alt = `test image ${it.index}: ${it.trueClass}`;
  img.loading = 'lazy';
  const cap = el('figcaption');
  cap.append(
    el('div', `true: ${it.trueClass}`),
    el('div', `predicted: ${it.predicted}`, it.predicted === it.trueClass ? undefined : 'wrong'),
  );
  for (const [slot, p] of Object.entries(it.probabilities)) {
    const best = p.indexOf(Math.max(...p));
    cap.append(el('div', `${slotLabel(slot)}: ${classes[best]} ${pct(p[best])}`, 'prob'));
  }
  fig.append(img, cap);
  return fig;
}
