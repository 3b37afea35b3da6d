/** Saves the chart as PNG and the numbers (histories + test reports) as CSV or JSON, via downloads. */
import {
  MODEL_LABELS,
  MODEL_SLOTS,
  type EpochPoint,
  type ModelSlot,
  type SessionSnapshot,
} from '../../../src/contract/contract.ts';

export function download(name: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(name, url);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function numbersJson(series: Record<ModelSlot, EpochPoint[]>, snap: SessionSnapshot | null): string {
  const models = Object.fromEntries(
    MODEL_SLOTS.map((s) => [
      s,
      {
        description: snap?.models[s]?.description ?? null,
        history: series[s],
        test: snap?.reports[s] ?? null,
      },
    ]),
  );
  return JSON.stringify({ dataset: snap?.dataset?.name ?? null, models }, null, 2);
}

export function numbersCsv(series: Record<ModelSlot, EpochPoint[]>, snap: SessionSnapshot | null): string {
  const lines = ['model,epoch,train_accuracy,val_accuracy,train_loss,val_loss,seconds'];
  for (const s of MODEL_SLOTS) {
    for (const p of series[s])
      lines.push(
        [MODEL_LABELS[s], p.epoch, p.accuracy, p.valAccuracy ?? '', p.loss, p.valLoss ?? '', p.seconds].join(','),
      );
  }
  lines.push('', 'model,test_accuracy,test_images');
  for (const s of MODEL_SLOTS) {
    const r = snap?.reports[s];
    if (r) lines.push([MODEL_LABELS[s], r.accuracy, r.n].join(','));
  }
  return lines.join('\n') + '\n';
}
