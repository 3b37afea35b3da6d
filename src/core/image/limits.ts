/** Size limits for decoding untrusted images, shared by every decoder. */
import { FerError } from '../errors.ts';

/** Largest image decoded (width x height). 40 MP covers any phone or DSLR photo; a 20000x20000 bomb is refused. */
export const MAX_IMAGE_PIXELS = 40_000_000;
/** Largest file read at all, before looking inside it. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

export function pixelLimitError(width: number, height: number, limit: number, file: string | undefined): FerError {
  const mp = (n: number): string => `${(n / 1e6).toFixed(1)} megapixels`;
  return new FerError(
    `image is ${width}x${height} (${mp(width * height)}), above the pixel limit of ${mp(limit)}; refusing to decode it`,
    { file },
  );
}
