/**
 * Two profiles from scripts/profile-step.ts --json as one Markdown table (issue 17's
 * before/after per-op table): ms per training step for each kernel, before and after.
 * tf.profile lists nested kernels too (a filter gradient's BatchMatMul also counts
 * inside Conv2DBackpropFilter), so the step row, not the column sum, is the total.
 *
 *   npx tsx scripts/profile-table.ts bench/results/profile/cnn-before.json bench/results/profile/cnn-after.json [--min 2]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Profile {
  kind: string;
  stepMs: number;
  kernels: { name: string; ms: number; calls: number }[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { min: { type: 'string', default: '2' } },
});
if (positionals.length !== 2) throw new Error('usage: profile-table.ts BEFORE.json AFTER.json [--min MS]');
const [before, after] = positionals.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Profile);
const min = Number(values.min);
const byName = (p: Profile) => new Map(p.kernels.map((k) => [k.name, k]));
const b = byName(before);
const a = byName(after);
const names = [...new Set([...b.keys(), ...a.keys()])]
  .filter((n) => Math.max(b.get(n)?.ms ?? 0, a.get(n)?.ms ?? 0) >= min)
  .sort((x, y) => (b.get(y)?.ms ?? 0) - (b.get(x)?.ms ?? 0) || (a.get(y)?.ms ?? 0) - (a.get(x)?.ms ?? 0));
const cell = (k: { ms: number; calls: number } | undefined) => (k ? `${k.ms.toFixed(1)} (${k.calls})` : '-');
console.log(`| ${before.kind} kernel | before: ms (calls) per step | after: ms (calls) per step |`);
console.log('|---|---|---|');
console.log(`| **whole step** (unprofiled) | **${before.stepMs.toFixed(0)}** | **${after.stepMs.toFixed(0)}** |`);
for (const n of names) console.log(`| ${n} | ${cell(b.get(n))} | ${cell(a.get(n))} |`);
