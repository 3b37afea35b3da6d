/**
 * Micro-benchmarks of kernel variants: each variant once to warm up, then the variants in
 * turn for `rounds` rounds in one process, so a loaded machine's drift falls on all of them.
 * The minimum moves least under load; the median is printed beside it.
 */
import os from 'node:os';
import { median } from './result.ts';

/** "name min/median, ..." in ms over the rounds. */
export function timeVariants(variants: Record<string, () => void>, rounds: number): string {
  const seen: Record<string, number[]> = {};
  for (const f of Object.values(variants)) f();
  for (let r = 0; r < rounds; r++)
    for (const [name, f] of Object.entries(variants)) {
      const t = performance.now();
      f();
      (seen[name] ??= []).push(performance.now() - t);
    }
  return Object.entries(seen)
    .map(([name, t]) => `${name} ${Math.min(...t).toFixed(1)}/${median(t).toFixed(1)}`)
    .join(', ');
}

export const loadAverageLine = (): string =>
  `load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`;
