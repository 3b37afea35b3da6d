/**
 * The app's picture requests: a page of the confusion gallery, sample faces per
 * class, PCA as pictures, and the session's HTML report. Pictures are PNG data
 * URIs made only for what is asked (a gallery page at a time: lazily).
 */
import type {
  DatasetSamplesResult,
  ExportedReport,
  GalleryPageResult,
  PcaPicturesResult,
  RequestArgs,
} from '../contract/contract.ts';
import { slotLabel } from '../contract/contract.ts';
import { FerError } from '../core/errors.ts';
import { buildGallerySet, galleryPage, type GallerySet } from '../core/eval/gallery.ts';
import { pngDataUri } from '../core/image/encode-png.ts';
import { channelsAreCopies, cumulativeVariance, eigenPictures } from '../core/preprocess/eigenfaces.ts';
import { escapeHtml, reportHtml, type InsightModel, type InsightSection } from './insight-html.ts';
import { modelSettings } from './insight-pages.ts';
import type { Session } from './session.ts';

/** Dataset images larger than this are shown subsampled (photo folders keep up to 256 px). */
const SAMPLE_SIDE = 64;

function testThumb(s: Session): (i: number) => string {
  const t = s.pre!.result;
  const per = t.size * t.size * t.channels;
  return (i) => pngDataUri(t.test.images.subarray(i * per, (i + 1) * per), t.size, t.size, t.channels);
}

/** The gallery of the slot's matrix; the other models' probabilities are re-ordered into its class order. */
function gallerySet(s: Session, first: string): GallerySet {
  const e = s.evaluations;
  if (!e[first] || !s.pre)
    throw new FerError(`no test measurement of the ${slotLabel(first)} yet: click Accuracy Comparison Graph first`, {
      kind: 'usage',
    });
  return buildGallerySet([
    e[first],
    ...Object.values(e)
      .filter((x) => x && x.slot !== first)
      .map((x) => x!),
  ]);
}

export function galleryPageFor(s: Session, q: RequestArgs<'galleryPage'>): GalleryPageResult {
  const set = gallerySet(s, q.slot);
  const k = set.classes.length;
  if ((q.trueClass ?? 0) >= k || (q.predicted ?? 0) >= k)
    throw new FerError(`a class index must be below ${k}`, { kind: 'bad-input' });
  const page = galleryPage(set, q);
  const thumb = testThumb(s);
  return {
    slot: q.slot,
    classes: set.classes,
    total: page.total,
    offset: q.offset,
    items: page.items.map((it) => ({
      index: it.index,
      trueClass: set.classes[it.trueClass],
      predicted: set.classes[it.predicted],
      confidence: it.confidence,
      probabilities: it.probs,
      image: thumb(it.index),
    })),
  };
}

/** Nearest-neighbour subsampling to at most SAMPLE_SIDE: enough to recognise a face in a grid. */
function smallImage(px: Uint8Array, w: number, h: number, c: 1 | 3): string {
  const f = Math.max(1, Math.ceil(Math.max(w, h) / SAMPLE_SIDE));
  if (f === 1) return pngDataUri(px, w, h, c);
  const ow = Math.floor(w / f),
    oh = Math.floor(h / f);
  const out = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++)
      for (let k = 0; k < c; k++) out[(y * ow + x) * c + k] = px[(y * f * w + x * f) * c + k];
  return pngDataUri(out, ow, oh, c);
}

export function datasetSamplesFor(s: Session, perClass: number): DatasetSamplesResult {
  const ds = s.dataset?.ds;
  if (!ds) throw new FerError('upload a dataset first', { kind: 'usage' });
  const per = ds.height * ds.width * ds.channels;
  const picked = ds.classes.map(() => [] as number[]);
  const counts = ds.classes.map(() => 0);
  ds.labels.forEach((l, i) => {
    counts[l]++;
    if (picked[l].length < perClass) picked[l].push(i);
  });
  const mean = ds.count / Math.max(1, ds.classes.length);
  const least = counts.indexOf(Math.min(...counts));
  return {
    classes: ds.classes.map((name, c) => ({
      name,
      count: counts[c],
      images: picked[c].map((i) =>
        smallImage(ds.images.subarray(i * per, (i + 1) * per), ds.width, ds.height, ds.channels),
      ),
    })),
    // Flagged when it has under half the mean: a model can then ignore it at little cost to accuracy.
    rare: counts[least] < mean / 2 ? ds.classes[least] : null,
  };
}

/** Component counts the reconstruction row shows (those up to k, and k itself). */
const RECONSTRUCT_AT = [1, 5, 20, 50, 100, 250, 1000];

export function pcaPicturesFor(s: Session): PcaPicturesResult {
  const r = s.pre?.result;
  if (!r) throw new FerError('preprocess a dataset first', { kind: 'usage' });
  if (!r.pca)
    throw new FerError(
      'this dataset was preprocessed without PCA: choose a PCA setting and preprocess again to see what it keeps',
      { kind: 'usage' },
    );
  const { size, channels, pca } = r;
  const src = r.test.count ? r.test : r.train;
  const d = size * size * channels;
  const pics = eigenPictures(pca, src.images.subarray(0, d), [...RECONSTRUCT_AT.filter((m) => m < pca.k), pca.k]);
  const uri = (px: Uint8Array) => pngDataUri(px, size, size, channels);
  const copies = channelsAreCopies(r.train.images, channels);
  return {
    cumulative: cumulativeVariance(pca),
    kept: pca.k,
    features: d,
    side: size,
    channels,
    meanFace: uri(pics.mean),
    eigenfaces: pics.eigenfaces.map(uri),
    original: uri(pics.original),
    reconstructions: pics.reconstructions.map((x) => ({ components: x.components, image: uri(x.image) })),
    note: copies
      ? `The images are gray copied into 3 RGB channels: of the ${d} features only ${d / 3} differ, so the data span at most ${d / 3} dimensions and ` +
        `any ${d / 3} or more components keep 100 % of the variance (${pca.k} kept here).`
      : null,
  };
}

function datasetSection(s: Session): InsightSection[] {
  const d = s.dataset?.summary;
  if (!d) return [];
  const samples = datasetSamplesFor(s, 8);
  const rows = samples.classes.map(
    (c) =>
      `<p><b>${escapeHtml(c.name)}</b> (${c.count}${samples.rare === c.name ? ', the rare class' : ''})<br>` +
      c.images.map((u) => `<img alt="${escapeHtml(c.name)}" src="${u}" width="48" height="48">`).join(' ') +
      '</p>',
  );
  const out: InsightSection[] = [
    {
      title: 'Dataset',
      html: `<p>${escapeHtml(d.name)}: ${d.count} images, ${d.imageShape.join('x')}, ${d.format} format</p>${rows.join('')}`,
    },
  ];
  const p = s.pre?.summary;
  if (p) {
    out.push({
      title: 'Preprocessing',
      html:
        `<p>${p.size}x${p.size}, ${p.channels === 3 ? 'RGB' : 'gray'}; train ${p.counts.train} / validation ${p.counts.validation} / test ${p.counts.test}; ` +
        (p.explainedVariance === null
          ? `${p.featuresResized} features per image, PCA off`
          : `${p.featuresResized} -> ${p.featuresAfter} features after PCA (${(100 * p.explainedVariance).toFixed(1)} % of the variance)`) +
        '</p>',
    });
  }
  return out;
}

export function exportReportFor(s: Session): ExportedReport {
  const slots = s.loadedSlots().filter((x) => s.evaluations[x] && s.reports[x]);
  const set: GallerySet = slots.length
    ? gallerySet(s, slots[0])
    : { classes: [], truth: new Uint8Array(0), slots: [], probs: {} };
  const models: InsightModel[] = slots.map((slot) => {
    const m = s.models[slot]!;
    const r = s.reports[slot]!;
    return {
      slot,
      label: slotLabel(slot),
      report: { ...r },
      history: m.summary.history,
      settings: modelSettings(m.fer, m.fer.dir, null),
    };
  });
  const on = slots.length ? s.reports[slots[0]]!.on : 'no test measurement yet (click Accuracy Comparison Graph)';
  const html = reportHtml({
    title: 'FER Studio session report',
    on,
    models,
    set,
    thumb: s.pre ? testThumb(s) : () => '',
    before: datasetSection(s),
  });
  return { fileName: `fer-studio-report-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.html`, html };
}
