/** The current dataset and its preprocessing, plus the samples shipped with the app. */
import type { SessionSnapshot } from '../../../src/contract/contract.ts';
import { el, pct } from '../format.ts';

export function renderDataset(
  summary: HTMLElement,
  samples: HTMLElement,
  snap: SessionSnapshot | null,
  useSample: (id: string) => void,
): void {
  summary.replaceChildren();
  const d = snap?.dataset;
  if (d) {
    const card = el('div', undefined, 'card');
    const [h, w, c] = d.imageShape;
    card.append(
      el('h3', `Dataset: ${d.name}`),
      el('p', `${d.count} images, ${h}x${w}${c === 3 ? ' RGB' : ' gray'}, ${d.format} format`),
      el('p', `Classes: ${d.classes.map((k) => `${k} (${d.perClass[k] ?? 0})`).join(', ')}`),
    );
    const p = snap.preprocessed;
    if (p) {
      card.append(
        el(
          'p',
          `Preprocessed: ${p.size}x${p.size}, train ${p.counts.train} / validation ${p.counts.validation} / test ${p.counts.test}; ` +
            (p.explainedVariance === null
              ? `${p.featuresResized} features per image, PCA off`
              : `features ${p.featuresResized} -> ${p.featuresAfter} after PCA (${pct(p.explainedVariance)} of the variance)`),
        ),
      );
    } else card.append(el('p', 'Not preprocessed yet.', 'note'));
    summary.append(card);
  }
  const ids = (snap?.samples ?? []).map((s) => s.id).join(',');
  if (samples.dataset.ids === ids) return;
  samples.dataset.ids = ids;
  samples.replaceChildren();
  for (const s of snap?.samples ?? []) {
    const li = el('li');
    const b = el('button', `Use sample: ${s.id}`);
    b.type = 'button';
    b.onclick = () => useSample(s.id);
    li.append(b, el('span', s.label, 'note'));
    samples.append(li);
  }
}
