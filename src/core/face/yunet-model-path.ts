/**
 * Where the shipped YuNet model lives: `models/yunet` found by walking up from this
 * file, as models-dir.ts finds `models/haar` (works from the sources, src/core/face,
 * and from a build, dist/src/core/face; in the packaged app both lead to resources/models).
 * Shells that know better pass a path to the detector instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Accepts any input size that is a multiple of 32 (the fixed 640x640 export does not). */
export const YUNET_MODEL_FILE = 'yunet_s_dynamic.onnx';

export function defaultYunetModelPath(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = ['../../..', '../../../..'].map((up) => join(here, up, 'models', 'yunet', YUNET_MODEL_FILE));
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}
