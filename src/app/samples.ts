/**
 * The small datasets shipped in the app's data/ folder (cut from the shared
 * samples), offered as "use a sample" so a newcomer can click straight through.
 * The renderer only ever sends a sample id; the path stays here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SampleInfo } from '../contract/contract.ts';

interface SampleDef extends SampleInfo {
  relative: string;
}

const SAMPLES: readonly SampleDef[] = [
  {
    id: 'paper-format',
    label: "Reference app's format: X.txt.npy + Y.txt.npy (250 images)",
    relative: 'paper-format/X.txt.npy',
  },
  { id: 'fer2013-csv', label: 'Kaggle fer2013.csv layout (168 images, with splits)', relative: 'fer2013-sample.csv' },
  { id: 'folders', label: 'Image folders train/test/<class> (280 images)', relative: 'folders' },
];

/** Samples present in `dataDir` (a packaged app may ship fewer). */
export function listSamples(dataDir: string): SampleInfo[] {
  return SAMPLES.filter((s) => existsSync(path.join(dataDir, s.relative))).map(({ id, label }) => ({ id, label }));
}

export function samplePath(dataDir: string, id: string): { path: string; name: string } | null {
  const s = SAMPLES.find((x) => x.id === id);
  if (!s || !existsSync(path.join(dataDir, s.relative))) return null;
  return { path: path.join(dataDir, s.relative), name: `sample data/${s.relative}` };
}
