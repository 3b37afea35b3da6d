/**
 * Global setup: every test file's temporary folders (os.tmpdir(), child processes, Chromium
 * profiles) go under one folder made for this run, removed when the run ends, so `npm test`
 * leaves nothing in the system temp folder even when a test dies before its own teardown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'fer-test-run-'));
  // Read by os.tmpdir() in the test forks and every process they start.
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
