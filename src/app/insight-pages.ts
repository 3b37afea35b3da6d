/** Writes the confusion gallery and the report of evaluated models (`fer eval --gallery/--report`). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { slotFor, slotLabel } from '../contract/contract.ts';
import type { Dataset } from '../core/dataset/types.ts';
import { buildGallerySet } from '../core/eval/gallery.ts';
import type { ModelEvaluation } from '../core/eval/evaluate.ts';
import { pngDataUri } from '../core/image/encode-png.ts';
import type { FerModel } from '../core/model-io/load-fer-model.ts';
import { galleryHtml, reportHtml, type InsightInput, type InsightModel } from './insight-html.ts';

export interface EvaluatedModels {
  models: FerModel[];
  dirs: string[];
  results: { report: ModelEvaluation; probs: Float32Array; truth: Uint8Array }[];
  ds: Dataset;
  /** The evaluated images' indices in `ds` (all of them when absent). */
  indices?: Uint32Array;
  on: string;
}

/** A data URI per image, made on first use and kept (a page shows an image in several places). */
export function datasetThumbs(ds: Dataset, indices?: Uint32Array): (i: number) => string {
  const per = ds.height * ds.width * ds.channels;
  const cache = new Map<number, string>();
  return (i) => {
    let uri = cache.get(i);
    if (!uri) {
      const at = indices ? indices[i] : i;
      uri = pngDataUri(ds.images.subarray(at * per, (at + 1) * per), ds.width, ds.height, ds.channels);
      cache.set(i, uri);
    }
    return uri;
  };
}

export function insightInput(e: EvaluatedModels, title: string): InsightInput {
  const seen = new Map<string, number>();
  const slots = e.models.map((m) => {
    const n = seen.get(m.meta.kind) ?? 0;
    seen.set(m.meta.kind, n + 1);
    return slotFor(m.meta.kind, n);
  });
  const set = buildGallerySet(
    e.models.map((m, i) => ({
      slot: slots[i],
      classes: m.meta.classes,
      probs: e.results[i].probs,
      truth: e.results[i].truth,
    })),
  );
  const models: InsightModel[] = e.models.map((m, i) => ({
    slot: slots[i],
    label: slotLabel(slots[i]),
    report: e.results[i].report,
    history: m.meta.history,
    settings: modelSettings(m, e.dirs[i], e.results[i].report),
  }));
  return { title, on: e.on, models, set, thumb: datasetThumbs(e.ds, e.indices) };
}

/** A model's exact settings for the report: where it lives, its input, its training options. */
export function modelSettings(m: FerModel, dir: string, r: ModelEvaluation | null): Record<string, unknown> {
  return {
    folder: dir,
    kind: m.meta.kind,
    classes: m.meta.classes.join(', '),
    input: m.meta.inputShape.join('x'),
    preprocessing: m.meta.preprocessing,
    epochs: m.meta.history.length,
    seed: m.meta.seed,
    parameters: m.meta.params,
    'trained on': m.meta.backend,
    created: m.meta.createdAt,
    ...(r ? { 'test-time augmentation': r.tta ? `${r.ttaViews} views` : 'off' } : {}),
    ...m.meta.options,
  };
}

/** Returns the files written. */
export async function writeInsightPages(e: EvaluatedModels & { gallery?: string; report?: string }): Promise<string[]> {
  const written: string[] = [];
  if (e.gallery) {
    await fs.mkdir(e.gallery, { recursive: true });
    const file = path.join(e.gallery, 'index.html');
    await fs.writeFile(file, galleryHtml(insightInput(e, 'FER Studio confusion gallery')));
    written.push(file);
  }
  if (e.report) {
    await fs.mkdir(path.dirname(path.resolve(e.report)), { recursive: true });
    await fs.writeFile(e.report, reportHtml(insightInput(e, 'FER Studio evaluation report')));
    written.push(e.report);
  }
  return written;
}
