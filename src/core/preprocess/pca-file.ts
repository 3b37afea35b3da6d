/**
 * A fitted PCA stored beside a model (pca.bin): a small JSON header line with
 * k, d and the explained variance, then mean (d) and components (k x d) as
 * little-endian float32. Prediction needs exactly what training used.
 */
import { FerError } from '../errors.ts';
import type { PcaModel } from './pca.ts';

export function encodePca(p: PcaModel): Uint8Array {
  const header = new TextEncoder().encode(
    `${JSON.stringify({ k: p.k, d: p.d, totalVariance: p.totalVariance, explainedVariance: Array.from(p.explainedVariance) })}\n`,
  );
  const pad = (4 - (header.length % 4)) % 4;
  const out = new Uint8Array(header.length + pad + 4 * (p.d + p.k * p.d));
  out.set(header);
  out.fill(0x20, header.length, header.length + pad);
  const floats = new Float32Array(out.buffer, header.length + pad);
  floats.set(p.mean);
  floats.set(p.components.subarray(0, p.k * p.d), p.d);
  return out;
}

export function decodePca(bytes: Uint8Array, file: string): PcaModel {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new FerError('not a PCA file', { file });
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(0, nl))) as {
    k: number;
    d: number;
    totalVariance: number;
    explainedVariance: number[];
  };
  let start = nl + 1;
  while (start % 4) start++;
  const need = 4 * (h.d + h.k * h.d);
  if (bytes.length - start < need) throw new FerError('PCA file is truncated', { file });
  const copy = new Float32Array(bytes.slice(start, start + need).buffer);
  const explainedVariance = Float32Array.from(h.explainedVariance);
  return {
    k: h.k,
    d: h.d,
    totalVariance: h.totalVariance,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => v / h.totalVariance),
    mean: copy.subarray(0, h.d),
    components: copy.subarray(h.d),
  };
}
