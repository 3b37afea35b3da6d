/** Runs the real `fer` command (node bin/fer.js) as a child process. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO = process.cwd();
export const SAMPLES = join(REPO, '../shared/datasets/samples');
export const PHOTOS = join(REPO, '../shared/photos');

export interface FerRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface RunOptions {
  /** Called with each complete stdout line as it arrives (e.g. to send SIGINT after an epoch). */
  onLine?: (line: string, child: ReturnType<typeof spawn>) => void;
  /** Environment variables added to this process's for the child. */
  env?: Record<string, string>;
}

export function runFer(args: string[], opts: RunOptions = {}): Promise<FerRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/fer.js'), ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) opts.onLine?.(line, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, seconds: (Date.now() - t0) / 1000 }));
  });
}

/** stdout of a --json run as parsed objects (every line must be JSON). */
export function jsonLines(run: FerRun): Record<string, unknown>[] {
  return run.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The non-empty lines of stderr. */
export function errLines(run: FerRun): string[] {
  return run.stderr.split('\n').filter((l) => l.trim());
}
