/** Small seeded PRNG so splits, shuffles and augmentation are reproducible from a seed. */
export type Rng = () => number;

/** mulberry32: 32-bit state, uniform in [0, 1). Fast and good enough for shuffling. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: number } | unknown[]>(arr: T, rng: Rng): T {
  const a = arr as unknown as unknown[];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return arr;
}

/** Fills `out` with standard normal samples (Box-Muller): seeded starting vectors for randomized PCA. */
export function fillGaussian(out: Float32Array | Float64Array, rng: Rng): void {
  for (let i = 0; i < out.length; i += 2) {
    // 1 - u keeps the logarithm finite (u may be exactly 0).
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const t = 2 * Math.PI * rng();
    out[i] = r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t);
  }
}
