/**
 * Finds features (columns) that are exact copies of an earlier one. The paper
 * preset replicates a gray image into three "RGB" channels, so two thirds of
 * its 3,072 features are copies; PCA on the distinct features is exact and ~9x
 * cheaper (see pca.ts for how the copies are folded back in).
 */
export interface FeatureGroups {
  /** Index of the first feature of each distinct group (m entries). */
  representative: Int32Array;
  /** Group of every feature (d entries). */
  groupOf: Int32Array;
  /** Copies per group (m entries). */
  counts: Int32Array;
}

/** `data` is n x d row-major. Returns null when every feature is distinct. */
export function findDuplicateFeatures(data: Float32Array | Uint8Array, n: number, d: number): FeatureGroups | null {
  // A random projection of each column hashes it; identical columns get
  // bit-identical hashes because the arithmetic runs in the same order.
  const hash = new Float64Array(d);
  let seed = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const w = 0.5 + seed / 4294967296;
    const row = i * d;
    for (let j = 0; j < d; j++) hash[j] += data[row + j] * w;
  }
  const firstWithHash = new Map<number, number>();
  const candidate = new Int32Array(d).fill(-1);
  for (let j = 0; j < d; j++) {
    const first = firstWithHash.get(hash[j]);
    if (first === undefined) firstWithHash.set(hash[j], j);
    else candidate[j] = first;
  }
  if (firstWithHash.size === d) return null;
  // Confirm candidates exactly, row by row (contiguous reads).
  const dupes: number[] = [];
  for (let j = 0; j < d; j++) if (candidate[j] >= 0) dupes.push(j);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (const j of dupes) if (candidate[j] >= 0 && data[row + j] !== data[row + candidate[j]]) candidate[j] = -1;
  }
  const groupOf = new Int32Array(d);
  const reps: number[] = [];
  for (let j = 0; j < d; j++) {
    if (candidate[j] >= 0) groupOf[j] = groupOf[candidate[j]];
    else groupOf[j] = reps.push(j) - 1;
  }
  if (reps.length === d) return null;
  const counts = new Int32Array(reps.length);
  for (let j = 0; j < d; j++) counts[groupOf[j]]++;
  return { representative: Int32Array.from(reps), groupOf, counts };
}
