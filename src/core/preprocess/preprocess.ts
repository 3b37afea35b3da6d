/**
 * Dataset -> model-ready training data: gray (or the paper preset's RGB)
 * resize, train/validation/test split, optional PCA fitted on the train part.
 *
 * "Normalise" means x / 255. Images stay uint8 here (a quarter of the memory
 * of floats) and the batching code divides by 255 on the fly; the PCA is
 * fitted on x / 255 (fitPca's `scale`), so its mean and components live in
 * that 0..1 space too.
 *
 * How PCA feeds the models (decided in models/model-input.ts):
 * - default preset: the CNN/RNN keep their image input and see the PCA
 *   reconstruction (a denoised image), so spatial structure survives;
 * - paper preset: the reference application's 2,352 coefficients reshaped to
 *   28 x 28 x 3, kept only to reproduce its numbers.
 */
import { initBackend, type BackendChoice } from '../backend/init-backend.ts';
import type { Dataset } from '../dataset/types.ts';
import { FerError, throwIfCancelled } from '../errors.ts';
import type { TaskOptions } from '../task.ts';
import { toGrayResized, toRgbResized } from '../image/resize-stack.ts';
import { fitPca, type ComponentRequest, type PcaModel } from './pca.ts';
import type { PreprocessResult, Preset, SplitPart } from './preprocess-result.ts';
import { resolveSplits } from './split.ts';

/** The reference application: 32x32x3 inputs, 2,352 = 28x28x3 PCA components. */
export const PAPER_SIZE = 32;
export const PAPER_COMPONENTS = 2352;

export interface PreprocessOptions extends TaskOptions {
  /** Side of the square model input; default 48 (32 for the paper preset). */
  size?: number;
  /** Components to keep, a variance fraction, or null for no PCA (default; the paper preset uses 2,352). */
  pca?: ComponentRequest | null;
  preset?: Preset;
  seed?: number;
  /** Split shares used when the dataset defines no splits (default 0.1 each). */
  validation?: number;
  test?: number;
  /** The TensorFlow.js backend PCA starts if none runs yet (RuntimeOptions.backend); default 'auto'. */
  backend?: BackendChoice;
}

export async function preprocessDataset(ds: Dataset, opts: PreprocessOptions = {}): Promise<PreprocessResult> {
  const t0 = performance.now();
  const preset = opts.preset ?? 'default';
  const { size, pca: want } = settings(preset, opts);
  const channels: 1 | 3 = preset === 'paper' ? 3 : 1;
  opts.onProgress?.({
    stage: 'resize',
    fraction: 0,
    message: `${ds.count} images to ${size}x${size}${channels === 3 ? 'x3' : ' gray'}`,
  });
  const resized = channels === 3 ? toRgbResized(ds, size) : toGrayResized(ds, size);
  throwIfCancelled(opts.signal);
  const idx = resolveSplits(ds, { validation: opts.validation, test: opts.test, seed: opts.seed });
  const features = size * size * channels;
  const part = (which: Uint32Array): SplitPart => gather(resized.images, ds.labels, which, features);
  const train = part(idx.train);
  const validation = part(idx.validation);
  const test = part(idx.test);
  opts.onProgress?.({ stage: 'resize', fraction: 1 });
  let pca: PcaModel | null = null;
  let pcaSeconds = 0;
  if (want !== null) {
    if (train.count < 2)
      throw new FerError(`PCA needs at least 2 training images, the train split has ${train.count}`, {
        kind: 'bad-input',
        file: ds.source,
      });
    const tp = performance.now();
    await initBackend(opts.backend);
    pca = await fitPca(train.images, train.count, features, want, {
      seed: opts.seed,
      scale: 1 / 255,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    pcaSeconds = (performance.now() - tp) / 1000;
  }
  return {
    preset,
    size,
    channels,
    classes: [...ds.classes],
    train,
    validation,
    test,
    pca,
    usePcaInput: pca !== null,
    report: {
      imagesBefore: ds.count,
      imagesAfter: train.count + validation.count + test.count,
      featuresBefore: ds.height * ds.width * ds.channels,
      featuresAfter: pca ? pca.k : features,
      explainedVariance: pca ? pca.explainedVarianceRatio.reduce((a, b) => a + b, 0) : null,
      seconds: (performance.now() - t0) / 1000,
      pcaSeconds,
    },
  };
}

function settings(preset: Preset, opts: PreprocessOptions): { size: number; pca: ComponentRequest | null } {
  if (preset === 'paper') {
    if (opts.size !== undefined && opts.size !== PAPER_SIZE)
      throw new FerError(`the paper preset uses ${PAPER_SIZE}x${PAPER_SIZE} images (got --size ${opts.size})`, {
        kind: 'usage',
      });
    if (opts.pca != null && opts.pca !== PAPER_COMPONENTS)
      throw new FerError(`the paper preset uses ${PAPER_COMPONENTS} PCA components (28x28x3)`, { kind: 'usage' });
    return { size: PAPER_SIZE, pca: PAPER_COMPONENTS };
  }
  const size = opts.size ?? 48;
  if (!Number.isInteger(size) || size < 8 || size > 512)
    throw new FerError(`image size must be a whole number from 8 to 512 (got ${size})`, { kind: 'usage' });
  return { size, pca: opts.pca ?? null };
}

function gather(images: Uint8Array, labels: Uint8Array, which: Uint32Array, features: number): SplitPart {
  const out = new Uint8Array(which.length * features);
  which.forEach((src, dst) => out.set(images.subarray(src * features, (src + 1) * features), dst * features));
  return { images: out, labels: Uint8Array.from(which, (i) => labels[i]), count: which.length };
}
