/**
 * Running the Python baselines: Debian's interpreter (where apt puts
 * python3-torch, -sklearn and -opencv; a pyenv python3 on PATH lacks them),
 * a check that prints how to install what is missing, and the one-JSON-line
 * protocol every baseline script answers with.
 */
import { execFileSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** True when `modules` (e.g. "cv2, torch") import; otherwise says which apt packages to install. */
export function havePython(modules: string, aptPackages: string): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' });
    return true;
  } catch {
    console.log(
      `baseline skipped: ${PYTHON} cannot import ${modules} (install with \`apt-get install -y ${aptPackages}\`, Debian)`,
    );
    return false;
  }
}

/** Runs a baseline and parses the JSON object on the last line of its stdout. */
export function pythonJson<T>(args: string[], opts: { quietStderr?: boolean } = {}): T {
  const out = execFileSync(PYTHON, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', opts.quietStderr ? 'ignore' : 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T;
}
