/**
 * Property-based tests of the .npy and CSV parsers (fast-check, see parser-fuzz.ts): random
 * bytes, random near-valid documents and mutated valid files, 200 runs of each kind. Every input
 * must parse consistently or raise a FerError naming the file, within 500 ms. The properties run
 * in a child process with a deadline, so a parser caught in an endless loop fails this test
 * instead of hanging the suite.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const FUZZ = path.join(process.cwd(), 'test/reliability/parser-fuzz.ts');
const DEADLINE_MS = 30_000;

function fuzz(
  kind: 'npy' | 'csv',
  runs: number,
  seed: number,
): Promise<{ code: number | null; timedOut: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FUZZ, kind, String(runs), String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, DEADLINE_MS);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stdout, stderr });
    });
  });
}

describe.concurrent('parser properties', () => {
  it.each(['npy', 'csv'] as const)(
    '%s: random and mutated input never hangs and only raises FerError',
    async (kind) => {
      const r = await fuzz(kind, 200, 20251125);
      expect(r.timedOut, `no result within ${DEADLINE_MS} ms: the parser hangs`).toBe(false);
      // On failure stderr holds fast-check's counterexample and seed.
      expect(
        r.code,
        r.stderr
          .split('\n')
          .filter((l) => !/^\s+at /.test(l))
          .join('\n'),
      ).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, kind, runs: 600 });
    },
  );
});
