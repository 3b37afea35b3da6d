/**
 * Writes a directory of files so that readers only ever see the old complete
 * directory or the new complete one: files go to a sibling temp directory,
 * are fsynced, then swapped in by rename. A crash between the two renames
 * leaves `<dir>.old`, which `recoverDir` puts back.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function writeDirAtomic(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  const parent = path.dirname(dir);
  await fs.mkdir(parent, { recursive: true });
  await removeStaleTemps(dir);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await fs.mkdir(tmp, { recursive: true });
  try {
    for (const [name, data] of Object.entries(files)) {
      const fh = await fs.open(path.join(tmp, name), 'w');
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    await recoverDir(dir);
    const old = `${dir}.old`;
    const hadOld = await exists(dir);
    if (hadOld) await fs.rename(dir, old);
    await fs.rename(tmp, dir);
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Deletes temp folders left by writers of `dir` that were killed mid-save (their process is gone). */
async function removeStaleTemps(dir: string): Promise<void> {
  const prefix = `${path.basename(dir)}.tmp-`;
  for (const name of await fs.readdir(path.dirname(dir))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid !== process.pid && !isAlive(pid))
      await fs.rm(path.join(path.dirname(dir), name), { recursive: true, force: true });
  }
}

/** Whether process `pid` still runs (a temp file named after a live writer is left alone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Restores `<dir>.old` when a previous swap was interrupted after its first rename. */
export async function recoverDir(dir: string): Promise<void> {
  const old = `${dir}.old`;
  if (!(await exists(dir)) && (await exists(old))) await fs.rename(old, dir);
  else if (await exists(old)) await fs.rm(old, { recursive: true, force: true });
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
