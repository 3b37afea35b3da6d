/**
 * Where the shipped Haar cascades live. Order: the folder set by the process's
 * runtime options (RuntimeOptions.detectorDir: FER_MODELS_DIR, or the Electron
 * shell's resources folder), then `models/haar` found by walking up from this
 * file — which works both from the sources (src/core/face) and from a build
 * (dist/src/core/face).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CASCADE_FILES = {
  default: 'haarcascade_frontalface_default.xml',
  alt2: 'haarcascade_frontalface_alt2.xml',
} as const;
export type CascadeName = keyof typeof CASCADE_FILES;

let override: string | undefined;

/** Use `dir` (a folder holding the cascade XML files) from now on; `undefined` restores the default lookup. */
export function setModelsDir(dir: string | undefined): void {
  override = dir;
}

function candidates(): string[] {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return ['../../..', '../../../..'].map((up) => join(here, up, 'models', 'haar'));
}

/** The folder cascades are read from (it may not exist; the loader reports that). */
export function modelsDir(): string {
  if (override) return override;
  const found = candidates().find((d) => existsSync(join(d, CASCADE_FILES.default)));
  return found ?? candidates()[0];
}

export function cascadePath(name: CascadeName): string {
  return join(modelsDir(), CASCADE_FILES[name]);
}
