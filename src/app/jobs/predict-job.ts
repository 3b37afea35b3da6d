/** A photo -> faces -> each face classified by every loaded model (CNN, RNN... side by side, keyed by slot). */
import { promises as fs } from 'node:fs';
import type { ModelSlot, PredictionResult } from '../../contract/contract.ts';
import { anyModelPhrase } from '../../contract/contract.ts';
import { FerError } from '../../core/errors.ts';
import { predictImage } from '../../core/predict/predict-image.ts';
import { toPrediction } from '../convert.ts';
import type { JobContext } from '../job-runner.ts';
import type { Session } from '../session.ts';
import type { CompletedUpload } from '../upload-store.ts';

export async function predictJob(
  session: Session,
  ctx: JobContext,
  photo: CompletedUpload,
  wholeImage: boolean,
): Promise<PredictionResult> {
  const slots = session.loadedSlots();
  if (!slots.length)
    throw new FerError(`no model to predict with yet: train ${anyModelPhrase()} first`, { kind: 'usage' });
  const file = photo.files[0];
  ctx.progress('predict', 0, `Looking for faces in ${file.name}`);
  const bytes = new Uint8Array(await fs.readFile(file.path));
  const models = slots.map((s) => session.models[s]!.fer);
  const p = await predictImage(
    models,
    file.name,
    { wholeImageIfNoFace: wholeImage, detector: session.detector.kind, keys: slots },
    bytes,
  );
  const used: Partial<Record<ModelSlot, string>> = {};
  for (const s of slots) used[s] = session.models[s]!.summary.description;
  ctx.progress('predict', 1, `${p.faces.length} face(s) found`);
  return toPrediction(p, used);
}
