/**
 * Prints bench/results/latest.json as the Markdown table the README carries,
 * so the README's figures are copied from one measured run, not retyped.
 *
 *   npx tsx bench/table.ts [bench/results/latest.json]
 */
import { readFileSync } from 'node:fs';
import type { BenchResult, BenchRow } from './lib/result.ts';

const file = process.argv[2] ?? 'bench/results/latest.json';
const latest = JSON.parse(readFileSync(file, 'utf8')) as { benches: BenchResult[] };

const num = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3));

function cells(r: BenchRow): string[] {
  const base = r.baseline === null ? '-' : `${num(r.baseline)} ${r.unit} (${r.baselineName})`;
  const ratio = r.speedup === null ? '-' : `${r.speedup.toFixed(2)}x`;
  const verdict = r.met === null ? r.target : `${r.target}: ${r.met ? 'met' : '**not met**'}`;
  return [r.name, `${num(r.ours)} ${r.unit}`, base, ratio, verdict];
}

console.log('| benchmark | FER Studio | baseline (same run) | ratio (>1 = ours better) | target | load at start | measured (UTC) |');
console.log('|---|---|---|---|---|---|---|');
for (const b of latest.benches) {
  // Benches can be rerun one at a time (--only), so each row says when it was measured.
  const when = b.date.slice(0, 16).replace('T', ' ');
  // A row rerun alone (bench/train.ts --models rnn) carries its own date and load.
  for (const r of b.rows) console.log(`| ${[...cells(r), (r.loadAverage ?? b.machine.loadAverage[0]).toFixed(1), r.measured ? r.measured.slice(0, 16).replace('T', ' ') : when].join(' | ')} |`);
}
