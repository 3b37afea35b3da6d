/**
 * Writes weights trained by scripts/gpu/train_torch_gpu.py into the app's model
 * files, after proving the tfjs model reproduces PyTorch's outputs on the first
 * PublicTest images (the manifest carries them), through the app's own input path.
 *
 *   npx tsx scripts/import-torch-weights.ts --manifest models/torch-runs/run2/cnn.json \
 *       --weights runs/gpu/cnn.bin --out models/cnn [--prior M0.json]
 *
 * --prior: the manifest of the run this one started from (train_torch_gpu.py --init), so
 * meta.json's history and training time include it.
 */
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { parseNpy } from '../src/core/dataset/npy.ts';
import { predictProbs } from '../src/core/eval/evaluate.ts';
import { saveModelDir } from '../src/core/model-io/model-files.ts';
import {
  buildForManifest,
  maxReferenceDiff,
  metaForManifest,
  parseTorchManifest,
  setTorchWeights,
} from '../src/core/model-io/torch-weights.ts';

const { values } = parseArgs({
  options: {
    manifest: { type: 'string' },
    weights: { type: 'string' },
    out: { type: 'string' },
    prior: { type: 'string' },
    data: { type: 'string', default: '../shared/datasets/fer2013/publictest.X.npy' },
    tolerance: { type: 'string', default: '1e-4' },
  },
});
if (!values.manifest || !values.weights || !values.out)
  throw new Error('usage: --manifest M.json --weights M.bin --out models/<kind>');
const backend = await initBackend(runtimeOptionsFromEnv(process.env).backend); // FER_BACKEND, as the shells read it
const manifest = parseTorchManifest(JSON.parse(await fs.readFile(values.manifest, 'utf8')), values.manifest);
const bytes = await fs.readFile(values.weights);
const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const model = buildForManifest(manifest);
setTorchWeights(model, manifest, flat, values.weights);
const prior = values.prior
  ? {
      manifest: parseTorchManifest(JSON.parse(await fs.readFile(values.prior, 'utf8')), values.prior),
      source: values.prior,
    }
  : undefined;
const meta = metaForManifest(manifest, model, values.manifest, prior);

const x = parseNpy(new Uint8Array(await fs.readFile(values.data!)), values.data!);
const n = manifest.reference.length;
const probs = await predictProbs(
  { model, meta, dir: values.out, pca: null },
  (x.data as Uint8Array).subarray(0, n * 2304),
  new Uint8Array(n),
);
const maxDiff = maxReferenceDiff(manifest, probs);
console.log(
  `${manifest.name}: ${model.countParams()} parameters; tfjs (${backend}) vs PyTorch on ${n} PublicTest images: max |dp| = ${maxDiff.toExponential(2)}`,
);
if (!(maxDiff <= Number(values.tolerance)))
  throw new Error(`outputs differ by ${maxDiff} (> ${values.tolerance}): not written`);
meta.options.importCheck = { images: n, maxAbsProbabilityDiff: maxDiff, backend };
await saveModelDir(values.out, model, meta);
console.log(
  `wrote ${values.out} (${meta.kind}, selected ${String(meta.options.selected)}, PublicTest ${(manifest.best.valAccuracy * 100).toFixed(2)} % in PyTorch)`,
);
