/**
 * The confusion gallery: which test images fall in a cell of a model's confusion
 * matrix, ranked by how sure the model was, with every model's probabilities
 * side by side. Pure ranking over the probabilities evaluateWithProbs returns;
 * the pictures are made by the caller, only for the page it shows.
 */

/** One model's answers on the same images: probs row-major in `classes` order, truth in that order too. */
export interface GalleryModelInput {
  slot: string;
  classes: string[];
  probs: Float32Array;
  truth: Uint8Array;
}

/** Every model's probabilities re-ordered into one class order (the first model's). */
export interface GallerySet {
  classes: string[];
  truth: Uint8Array;
  slots: string[];
  probs: Record<string, Float32Array>;
}

export interface GalleryItem {
  /** The image's index in the evaluated set. */
  index: number;
  trueClass: number;
  /** The ranking model's answer and its probability. */
  predicted: number;
  confidence: number;
  /** Per slot: the probability of every class (set.classes order). */
  probs: Record<string, number[]>;
}

export interface GalleryQuery {
  /** The model whose confusion matrix was clicked; it ranks the images. */
  slot: string;
  /** A cell: true row and predicted column; null = any. */
  trueClass: number | null;
  predicted: number | null;
  /** Only images the ranking model got wrong ("most confidently wrong": both cell indices null). */
  wrongOnly: boolean;
  offset: number;
  limit: number;
}

export function buildGallerySet(models: GalleryModelInput[]): GallerySet {
  if (!models.length) throw new Error('a gallery needs at least one evaluated model');
  const [first] = models;
  const k = first.classes.length;
  const n = first.truth.length;
  const probs: Record<string, Float32Array> = {};
  for (const m of models) {
    if (m.truth.length !== n)
      throw new Error(`${m.slot} was evaluated on ${m.truth.length} images, ${first.slot} on ${n}`);
    // Another model may list the same classes in another order: map its columns by name.
    const col = first.classes.map((c) => m.classes.indexOf(c));
    const kk = m.classes.length;
    const out = new Float32Array(n * k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = col[c] < 0 ? 0 : m.probs[i * kk + col[c]];
    probs[m.slot] = out;
  }
  return { classes: [...first.classes], truth: first.truth, slots: models.map((m) => m.slot), probs };
}

/** The items of one cell (or of all mistakes), most confident first, one page of them. */
export function galleryPage(set: GallerySet, q: GalleryQuery): { total: number; items: GalleryItem[] } {
  const p = set.probs[q.slot];
  if (!p) throw new Error(`no evaluated model ${q.slot}`);
  const k = set.classes.length;
  const hits: { index: number; predicted: number; confidence: number }[] = [];
  for (let i = 0; i < set.truth.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    const t = set.truth[i];
    if (q.trueClass !== null && t !== q.trueClass) continue;
    if (q.predicted !== null && best !== q.predicted) continue;
    if (q.wrongOnly && best === t) continue;
    hits.push({ index: i, predicted: best, confidence: p[i * k + best] });
  }
  // Most confident first; the index breaks ties so a page is stable.
  hits.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  const items = hits.slice(q.offset, q.offset + q.limit).map((h) => ({
    ...h,
    trueClass: set.truth[h.index],
    probs: Object.fromEntries(
      set.slots.map((s) => [s, Array.from(set.probs[s].subarray(h.index * k, (h.index + 1) * k))]),
    ),
  }));
  return { total: hits.length, items };
}
