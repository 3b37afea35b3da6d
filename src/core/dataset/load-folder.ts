import { FerError, throwIfCancelled } from '../errors.ts';
import { decodeImage } from '../image/decode-image.ts';
import { resizeCover, storedSize } from '../image/fit.ts';
import type { TaskOptions } from '../task.ts';
import { scanImageFolder } from './folder-scan.ts';
import { readInputFile } from './read-input.ts';
import { SPLIT, type Dataset } from './types.ts';

/** Decodes in flight at once: enough to keep sharp's worker threads busy without holding many files in memory. */
const CONCURRENCY = 8;

/**
 * Loads an image-folder dataset (see scanImageFolder for the layouts) as grayscale uint8,
 * decoded, turned gray and resized as photos are (core/image). Every image takes the size of
 * the first one (train split, first class, first file by name), capped at 256 pixels on the
 * longest side; images of another size are scaled to cover it and centre-cropped (image/fit.ts). A file with an image extension that does not decode is an error naming it,
 * never silently skipped: a dataset that quietly loses images gives misleading results.
 */
export async function loadFolderDataset(root: string, opts: TaskOptions = {}): Promise<Dataset> {
  const { onProgress, signal } = opts;
  throwIfCancelled(signal);
  onProgress?.({ stage: 'load', fraction: 0, message: `scanning ${root}` });
  const { classes, entries, hasSplits } = await scanImageFolder(root);
  const count = entries.length;

  const first = await decodeImage(await readInputFile(entries[0].file, 'image'), { file: entries[0].file });
  const size = storedSize(first.width, first.height);
  const perImage = size.width * size.height;
  const images = new Uint8Array(count * perImage);
  const labels = Uint8Array.from(entries, (e) => e.label);
  const split = hasSplits ? Uint8Array.from(entries, (e) => (e.split ? SPLIT[e.split] : 0)) : null;
  if (classes.length > 256) throw new FerError('more than 256 classes are not supported', { file: root });

  let next = 0;
  let done = 0;
  let stopped = false; // set by the first failure so the other workers stop taking files
  const reportEvery = Math.max(1, Math.floor(count / 100));
  const worker = async (): Promise<void> => {
    while (!stopped && next < count) {
      const i = next++;
      const { file } = entries[i];
      try {
        throwIfCancelled(signal);
        const image = await decodeImage(await readInputFile(file, 'image'), { file });
        images.set(resizeCover(image.gray, image.width, image.height, size), i * perImage);
      } catch (e) {
        stopped = true;
        throw e;
      }
      done++;
      if (done % reportEvery === 0)
        onProgress?.({ stage: 'load', fraction: done / count, message: `${done}/${count} images` });
    }
  };
  const workers = Array.from({ length: Math.min(CONCURRENCY, count) }, worker);
  // allSettled, then rethrow: no decode is left running against `images` after this function returns.
  const results = await Promise.allSettled(workers);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  onProgress?.({ stage: 'load', fraction: 1, message: `${count} images` });
  return {
    format: 'folder',
    source: root,
    classes,
    count,
    height: size.height,
    width: size.width,
    channels: 1,
    images,
    labels,
    split,
  };
}
