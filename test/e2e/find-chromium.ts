/** The Chromium the end-to-end tests drive: CHROMIUM_PATH, else `chromium` on PATH, else Debian's path; null if none. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CHROMIUM_PATH) return existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

/**
 * Whether to run an end-to-end file: with Chromium, yes; without it, skip on a developer's
 * machine but run on CI (CI set), where the file's beforeAll then fails with `missingChromium`.
 */
export const runWithChromium = (chromium: string | null, env: NodeJS.ProcessEnv = process.env): boolean =>
  chromium !== null || !!env.CI;

export const missingChromium =
  'Chromium not found (CHROMIUM_PATH, `chromium` on PATH, /usr/bin/chromium): CI must run the end-to-end tests';

/** Headless flags for this machine: no sandbox as root, no GPU, and none of Chromium's own network traffic. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
