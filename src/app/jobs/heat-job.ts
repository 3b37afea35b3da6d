/** A photo (Predict's, or a paused live frame) -> where each loaded model looked on each face (on demand: a backward pass per model). */
import type { FaceHeatMap, HeatMapsResult, ModelSlot } from '../../contract/contract.ts';
import { anyModelPhrase } from '../../contract/contract.ts';
import { FerError } from '../../core/errors.ts';
import { colourScalePng, heatOverlayPng } from '../../core/explain/heat-panel.ts';
import { explainImage } from '../../core/predict/explain-image.ts';
import type { JobContext } from '../job-runner.ts';
import type { Session } from '../session.ts';

const dataUrl = (png: Uint8Array) => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

export async function heatMapsJob(
  session: Session,
  ctx: JobContext,
  name: string,
  bytes: Uint8Array,
  wholeImage: boolean,
): Promise<HeatMapsResult> {
  const slots = session.loadedSlots();
  if (!slots.length) throw new FerError(`no model to explain yet: train ${anyModelPhrase()} first`, { kind: 'usage' });
  ctx.progress('heat maps', 0, `Finding where the models looked in ${name}`);
  const models = slots.map((s) => session.models[s]!.fer);
  const heat = await explainImage(
    models,
    name,
    {
      wholeImageIfNoFace: wholeImage,
      detector: session.detector.kind,
      keys: slots,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress('heat maps', done / total, `Heat maps: ${done} of ${total} models`),
    },
    bytes,
  );
  const faces: HeatMapsResult['faces'] = [];
  for (const f of heat.faces) {
    const out: Partial<Record<ModelSlot, FaceHeatMap>> = {};
    for (const [slot, h] of Object.entries(f.models)) {
      out[slot] = {
        label: h.label,
        method: h.method,
        overlay: dataUrl(await heatOverlayPng(h.boxMap, h.boxWidth, h.boxHeight)),
      };
    }
    faces.push({ box: f.box, models: out });
  }
  return { width: heat.image.width, height: heat.image.height, faces, legend: dataUrl(await colourScalePng()) };
}
