/** The work of `fer eval` (imported once the arguments are valid: it loads TensorFlow.js). */
import { availableParallelism } from 'node:os';
import { initBackend } from '../../core/backend/init-backend.ts';
import { loadDataset } from '../../core/dataset/load-dataset.ts';
import type { SplitName } from '../../core/dataset/types.ts';
import { evaluateWithProbs } from '../../core/eval/evaluate.ts';
import type { EvalReport } from '../../core/eval/metrics.ts';
import { loadFerModel, type FerModel } from '../../core/model-io/load-fer-model.ts';
import { onnxClassifierFor } from '../../core/onnx/onnx-classifier.ts';
import { startClassifyHelper, stopClassifyHelper } from '../../core/eval/classify-helper.ts';
import { EXIT, type CliContext } from '../context.ts';
import { percent } from '../progress-bar.ts';
import { splitIndices } from '../split-select.ts';
import { progressReporter } from '../task-progress.ts';
import { writeInsightPages } from '../../app/insight-pages.ts';

export interface EvalArgs {
  modelDirs: string[];
  data: string;
  split?: SplitName;
  tta?: boolean;
  zoom?: boolean;
  /** Write the confusion gallery (index.html) into this folder. */
  gallery?: string;
  /** Write the HTML report to this file. */
  report?: string;
}

export async function evaluate(a: EvalArgs, ctx: CliContext): Promise<number> {
  const { data, split } = a;
  const backend = await initBackend(ctx.runtime.backend);
  const models: FerModel[] = [];
  for (const dir of a.modelDirs) models.push(await loadFerModel(dir));
  const onnx = await onnxClassifierFor(models[0].model, models[0].dir);
  for (const m of models.slice(1)) await onnxClassifierFor(m.model, m.dir);
  const runtime = onnx?.runtime ?? `tfjs (${backend})`;
  if (!ctx.json) ctx.print(`backend: ${backend}; classifier runs on ${runtime}`);
  // On tfjs, a second thread for the forward passes (parallel-probs.ts), started while the data
  // loads: its ~1.5 s start-up pays from about a thousand images on. ONNX Runtime uses the cores
  // with its own threads, faster than the helper split (bench/eval.ts).
  let threads = !onnx && availableParallelism() >= 2 ? 2 : 1;
  const helper = threads === 2 ? startClassifyHelper(models, backend).catch(() => undefined) : Promise.resolve();
  try {
    const ds = await loadDataset(data, { signal: ctx.signal, onProgress: progressReporter(ctx, 'loading') });
    const indices = split ? splitIndices(ds, split) : undefined;
    if ((indices?.length ?? ds.count) < MIN_IMAGES_FOR_HELPER) {
      threads = 1;
      await stopClassifyHelper();
    } else await helper; // until it is ready this thread would work alone
    const what = `${data}${split ? ` (${split} split)` : ' (all images)'}`;
    const results = [];
    for (const [i, model] of models.entries()) {
      const r = await evaluateWithProbs(model, ds, {
        threads,
        indices,
        tta: a.tta,
        zoom: a.zoom,
        signal: ctx.signal,
        onProgress: progressReporter(ctx, 'evaluating'),
      });
      results.push(r);
      ctx.clearStatus();
      if (ctx.json) ctx.emit({ model: a.modelDirs[i], data, split: split ?? 'all', backend, runtime, ...r.report });
      else {
        if (models.length > 1) ctx.print(`${a.modelDirs[i]}:`);
        printReport(ctx, r.report, what);
      }
    }
    if (a.gallery || a.report) {
      const written = await writeInsightPages({
        models,
        dirs: a.modelDirs,
        results,
        ds,
        indices,
        on: `${what}, ${results[0].report.n} images`,
        gallery: a.gallery,
        report: a.report,
      });
      if (!ctx.json) for (const f of written) ctx.print(`wrote ${f}`);
    }
    return EXIT.ok;
  } finally {
    await stopClassifyHelper();
  }
}

/** Below this many images the helper's start-up costs about what it saves. */
const MIN_IMAGES_FOR_HELPER = 1024;

function printReport(ctx: CliContext, r: EvalReport & { tta: boolean; ttaViews: number }, what: string): void {
  ctx.print(
    `accuracy ${percent(r.accuracy, 2)} on ${r.n} images of ${what}${r.tta ? ` (TTA: ${r.ttaViews} views)` : ''}`,
  );
  const w = Math.max(8, ...r.classes.map((c) => c.length));
  ctx.print(`  ${'class'.padEnd(w)}  precision  recall     F1  support`);
  for (const c of r.classes) {
    const m = r.perClass[c];
    ctx.print(
      `  ${c.padEnd(w)}  ${m.precision.toFixed(3).padStart(9)}  ${m.recall.toFixed(3).padStart(6)}  ${m.f1.toFixed(3).padStart(5)}  ${String(m.support).padStart(7)}`,
    );
  }
  ctx.print('confusion (rows: true class, columns: predicted, same order)');
  const cw = Math.max(5, ...r.confusion.flat().map((n) => String(n).length + 1));
  ctx.print(`  ${''.padEnd(w)}${r.classes.map((c) => c.slice(0, cw - 1).padStart(cw)).join('')}`);
  r.confusion.forEach((row, i) =>
    ctx.print(`  ${r.classes[i].padEnd(w)}${row.map((n) => String(n).padStart(cw)).join('')}`),
  );
}
