/**
 * PCA on the full FER2013 train set, ours against scikit-learn on the same data
 * and machine. Run: npx tsx bench/pca.ts [--json-out FILE]   (also writes bench/results/pca.json)
 *
 * Cases: k=256 and 95 % variance on 48x48 gray (2,304 features); the paper
 * preset (32x32 resized, replicated to 3 channels = 3,072 features -> 2,352).
 * Each case runs ours then scikit-learn back to back, so both see the same
 * background load. scikit-learn: Debian python3-sklearn, PCA(svd_solver='auto'),
 * on float32 x/255; only fit() is timed. Ours: fitPca on the uint8 pixels with
 * scale 1/255 (the conversion is inside the timing).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/core/backend/init-backend.ts';
import { runtimeOptionsFromEnv } from '../src/app/runtime-env.ts';
import { parseNpy, writeNpy } from '../src/core/dataset/npy.ts';
import { toRgbResized } from '../src/core/image/resize-stack.ts';
import { fitPca, type ComponentRequest } from '../src/core/preprocess/pca.ts';
import { havePython, pythonJson } from './lib/python.ts';
import { machineInfo, printRows, speedup, writeResult, type BenchRow } from './lib/result.ts';

const TRAIN = join(process.cwd(), '../shared/datasets/fer2013/train.X.npy');

interface Row {
  name: string;
  ours: number;
  sklearn: number | null;
  k: number;
  kSklearn: number | null;
  explained: number;
  explainedSklearn: number | null;
  solver: string;
  solverSklearn: string | null;
}

const SKLEARN = `
import json, sys, time
import numpy as np
from sklearn.decomposition import PCA
path, want = sys.argv[1], float(sys.argv[2])
X = np.load(path)
X = X.reshape(X.shape[0], -1).astype(np.float32) / np.float32(255)
p = PCA(n_components=int(want) if want >= 1 else want, random_state=0)
t = time.perf_counter()
p.fit(X)
print(json.dumps({"seconds": time.perf_counter() - t, "k": int(p.n_components_),
  "explained": float(p.explained_variance_ratio_.sum()), "solver": p._fit_svd_solver}))
`;

function sklearnFit(
  npy: string,
  want: ComponentRequest,
): { seconds: number; k: number; explained: number; solver: string } {
  const arg = typeof want === 'number' ? String(want) : String(want.varianceFraction);
  return pythonJson<{ seconds: number; k: number; explained: number; solver: string }>(['-c', SKLEARN, npy, arg]);
}

const backend = await initBackend(runtimeOptionsFromEnv(process.env).backend); // FER_BACKEND, as the shells read it
const bytes = readFileSync(TRAIN);
const x = parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), TRAIN);
const [n, h, w] = x.shape;
const gray = x.data as Uint8Array;
const tmp = mkdtempSync(join(tmpdir(), 'fer-bench-pca-'));
const sk = havePython('sklearn', 'python3-sklearn');
console.log(
  `FER2013 train ${n} x ${h}x${w}; tfjs backend ${backend}; ${availableParallelism()} cores; load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
);

const rgb = toRgbResized(
  {
    format: 'npy',
    source: TRAIN,
    classes: [],
    count: n,
    height: h,
    width: w,
    channels: 1,
    images: gray,
    labels: new Uint8Array(n),
    split: null,
  },
  32,
).images;
const rgbPath = join(tmp, 'rgb32.npy');
writeFileSync(rgbPath, writeNpy(rgb, [n, 32, 32, 3], 'u1'));

const cases: { name: string; data: Uint8Array; d: number; npy: string; want: ComponentRequest }[] = [
  { name: 'k=256, 48x48 gray (2,304 features)', data: gray, d: h * w, npy: TRAIN, want: 256 },
  { name: '95% variance, 48x48 gray', data: gray, d: h * w, npy: TRAIN, want: { varianceFraction: 0.95 } },
  { name: 'paper: 32x32x3 (3,072) -> 2,352', data: rgb, d: 3072, npy: rgbPath, want: 2352 },
];
const rows: Row[] = [];
try {
  for (const c of cases) {
    const t0 = performance.now();
    const model = await fitPca(c.data, n, c.d, c.want, { scale: 1 / 255, seed: 1 });
    const ours = (performance.now() - t0) / 1000;
    const explained = model.explainedVarianceRatio.reduce((a, b) => a + b, 0);
    console.log(`${c.name}: ours ${ours.toFixed(1)} s (k=${model.k}, ${model.solver})`);
    const s = sk ? sklearnFit(c.npy, c.want) : null;
    if (s) console.log(`${c.name}: scikit-learn ${s.seconds.toFixed(1)} s (k=${s.k}, ${s.solver})`);
    rows.push({
      name: c.name,
      ours,
      sklearn: s?.seconds ?? null,
      k: model.k,
      kSklearn: s?.k ?? null,
      explained,
      explainedSklearn: s?.explained ?? null,
      solver: model.solver ?? '?',
      solverSklearn: s?.solver ?? null,
    });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const pad = (v: string, width: number): string => v.padStart(width);
console.log(
  `\n${'case'.padEnd(36)}${pad('ours (s)', 10)}${pad('sklearn (s)', 13)}${pad('ratio', 8)}${pad('k', 7)}${pad('k skl', 7)}${pad('var', 9)}${pad('var skl', 9)}`,
);
for (const r of rows) {
  const ratio = r.sklearn ? (r.ours / r.sklearn).toFixed(2) : '-';
  console.log(
    `${r.name.padEnd(36)}${pad(r.ours.toFixed(1), 10)}${pad(r.sklearn?.toFixed(1) ?? '-', 13)}${pad(ratio, 8)}${pad(String(r.k), 7)}${pad(String(r.kSklearn ?? '-'), 7)}${pad(r.explained.toFixed(4), 9)}${pad(r.explainedSklearn?.toFixed(4) ?? '-', 9)}`,
  );
}
console.log(
  `load average at the end ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
);
writeFileSync(
  join(process.cwd(), 'bench/results/pca.json'),
  `${JSON.stringify({ date: new Date().toISOString(), backend, cores: availableParallelism(), rows }, null, 2)}\n`,
);

// The same figures in the shared BenchResult shape (npm run bench -- --json).
const benchRows: BenchRow[] = rows.map((r) => {
  const s = speedup(r.ours, r.sklearn, false);
  return {
    name: `pca ${r.name}`,
    unit: 's',
    ours: r.ours,
    baseline: r.sklearn,
    baselineName: r.sklearn === null ? null : `scikit-learn PCA (${r.solverSklearn})`,
    speedup: s,
    target: '<= 1.0x scikit-learn',
    met: s === null ? null : s >= 1,
    notes: `k ${r.k} (scikit-learn ${r.kSklearn ?? '-'}), explained ${r.explained.toFixed(4)} (${r.explainedSklearn?.toFixed(4) ?? '-'}), ours ${r.solver}`,
  };
});
printRows(benchRows);
writeResult({ bench: 'pca', date: new Date().toISOString(), machine: machineInfo(), backend, rows: benchRows });
