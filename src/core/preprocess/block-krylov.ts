/**
 * Leading eigenpairs of a symmetric positive semi-definite matrix C (m x m) by
 * randomized block Krylov iteration with full reorthogonalisation and one
 * Rayleigh-Ritz step (block Lanczos; Musco & Musco, NeurIPS 2015, "Randomized
 * block Krylov methods for stronger and faster approximate SVD").
 *
 * For the same number of products with C it is far more accurate than
 * subspace (power) iteration, because it keeps every power C^j Omega instead
 * of only the last one; and the space can be extended later (more blocks)
 * when a variance fraction turns out to need more components, without
 * starting over. Products run on the active tfjs backend; only the final
 * L x L eigenproblem runs in Float64 JS.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled } from '../errors.ts';
import { fillGaussian, type Rng } from '../random.ts';
import type { TaskOptions } from '../task.ts';
import { orthonormalize } from './orthonormalize.ts';
import { symmetricEigenLeading } from './symmetric-eigen.ts';

export interface EigenPairs {
  /** Descending, clamped at 0. */
  values: Float64Array;
  /** One eigenvector per row, count x m. */
  vectors: Float32Array;
}

export interface KrylovSpace {
  /** Columns of the orthonormal basis so far. */
  readonly size: number;
  /** Adds blocks until the basis has at least `columns` columns (or spans all m). */
  extend(columns: number, task?: TaskOptions): Promise<void>;
  /**
   * Rayleigh-Ritz: all `size` approximate eigenvalues (descending) and the leading
   * `count` eigenvectors; `count` may be chosen from the values (e.g. a variance fraction).
   */
  ritz(count: number | ((values: Float64Array) => number)): Promise<EigenPairs>;
  dispose(): void;
}

/** Below this share of its norm left after projection, a new direction is noise: restart it randomly. */
const DEFLATION = 1e-3;

export function createKrylovSpace(cov: Float64Array, m: number, blockSize: number, rng: Rng): KrylovSpace {
  const c = tf.tensor2d(Float32Array.from(cov), [m, m]);
  // Basis kept both ways round: the wasm backend multiplies fast only without transpose flags.
  let q: tf.Tensor | null = null; // m x L
  let qt: tf.Tensor | null = null; // L x m
  let w: tf.Tensor | null = null; // C Q, m x L
  let size = 0;

  function randomBlock(b: number): tf.Tensor {
    const v = new Float32Array(m * b);
    fillGaussian(v, rng);
    return tf.tensor2d(v, [m, b]);
  }

  /** y minus its projection on the basis, twice (one pass loses orthogonality in float32). */
  function project(y: tf.Tensor): tf.Tensor {
    if (!q || !qt) return y;
    const basis = q;
    const basisT = qt;
    return tf.tidy(() => {
      let r = y;
      for (let pass = 0; pass < 2; pass++) r = tf.sub(r, tf.matMul(basis, tf.matMul(basisT, r)));
      return r;
    });
  }

  function columnNorms(y: tf.Tensor): Float32Array {
    const t = tf.tidy(() => tf.sum(tf.square(y), 0));
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  }

  function nextBlock(b: number): tf.Tensor {
    const y = w ? tf.tidy(() => tf.slice(w as tf.Tensor, [0, size - b], [m, b])) : randomBlock(b);
    const before = columnNorms(y);
    let r = project(y);
    if (r !== y) y.dispose();
    const after = columnNorms(r);
    const keep = Float32Array.from(after, (a, j) => (a > DEFLATION * DEFLATION * before[j] ? 1 : 0));
    if (keep.some((k) => k === 0)) {
      // The Krylov space is (numerically) invariant in these directions: continue with fresh random ones.
      const fresh = randomBlock(b);
      const mixed = tf.tidy(() =>
        project(tf.add(tf.mul(r, tf.tensor1d(keep)), tf.mul(fresh, tf.tensor1d(keep.map((k) => 1 - k))))),
      );
      fresh.dispose();
      r.dispose();
      r = mixed;
    }
    return orthonormalize(r);
  }

  function append(block: tf.Tensor): void {
    const cb = tf.matMul(c, block);
    const bt = tf.transpose(block);
    const grow = (old: tf.Tensor | null, add: tf.Tensor, axis: number): tf.Tensor => {
      if (!old) return add;
      const joined = tf.concat([old, add], axis);
      old.dispose();
      add.dispose();
      return joined;
    };
    size += block.shape[1] as number;
    q = grow(q, block, 1);
    qt = grow(qt, bt, 0);
    w = grow(w, cb, 1);
  }

  return {
    get size() {
      return size;
    },
    async extend(columns, task = {}) {
      const target = Math.min(m, columns);
      const start = size;
      while (size < target) {
        throwIfCancelled(task.signal);
        append(nextBlock(Math.min(blockSize, m - size)));
        task.onProgress?.({
          stage: 'pca',
          fraction: Math.min(1, (size - start) / Math.max(1, target - start)),
          message: `Krylov basis ${size} / ${target}`,
        });
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async ritz(count) {
      if (!q || !qt || !w) throw new Error('ritz: empty Krylov space');
      const basisT = qt;
      const products = w;
      const bt = tf.tidy(() => tf.matMul(basisT, products));
      const b = Float64Array.from((await bt.data()) as Float32Array);
      bt.dispose();
      for (let i = 0; i < size; i++)
        for (let j = i + 1; j < size; j++)
          b[i * size + j] = b[j * size + i] = 0.5 * (b[i * size + j] + b[j * size + i]);
      const eig = symmetricEigenLeading(b, size, typeof count === 'number' ? () => count : count);
      const values = eig.values.map((v) => Math.max(0, v));
      if (eig.k === 0) return { values, vectors: new Float32Array(0) };
      // Eigenvectors of B are coefficients in a basis of its own (see symmetricEigenLeading):
      // both products run in float32 on the backend, as the final one always did.
      const u = tf.tidy(() => {
        const s = tf.tensor2d(Float32Array.from(eig.coefficients), [eig.k, size]);
        const inB = eig.basis ? tf.matMul(s, tf.tensor2d(Float32Array.from(eig.basis), [size, size])) : s;
        return tf.matMul(inB, basisT);
      });
      const vectors = (await u.data()) as Float32Array;
      u.dispose();
      return { values, vectors };
    },
    dispose() {
      c.dispose();
      q?.dispose();
      qt?.dispose();
      w?.dispose();
    },
  };
}
