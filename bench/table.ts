/**
 * Prints bench/results/latest.json as the Markdown table the README carries,
 * so the README's figures are copied from one measured run, not retyped.
 * --detectors prints the detector table instead (bench/predict.ts's rows per
 * shared photo: faces found and ms for each detector).
 *
 *   npx tsx bench/table.ts [--detectors] [bench/results/latest.json]
 */
import { readFileSync } from 'node:fs';
import type { BenchResult, BenchRow } from './lib/result.ts';

const args = process.argv.slice(2);
const detectors = args.includes('--detectors');
const file = args.find((a) => !a.startsWith('--')) ?? 'bench/results/latest.json';
const latest = JSON.parse(readFileSync(file, 'utf8')) as { benches: BenchResult[] };

const num = (v: number): string =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3);

function cells(r: BenchRow): string[] {
  const base = r.baseline === null ? '-' : `${num(r.baseline)} ${r.unit} (${r.baselineName})`;
  const ratio = r.speedup === null ? '-' : `${r.speedup.toFixed(2)}x`;
  const verdict = r.met === null ? r.target : `${r.target}: ${r.met ? 'met' : '**not met**'}`;
  return [r.name, `${num(r.ours)} ${r.unit}`, base, ratio, verdict];
}

/** The detector table: one line per photo, one column per detector. */
function detectorTable(rows: BenchRow[]): void {
  const names = [...new Set(rows.map((r) => r.name.slice(r.name.indexOf(': ') + 2)))];
  const photos = [...new Set(rows.map((r) => String(r.detail!.photo)))];
  console.log(`| photo | faces in it | ${names.map((n) => `${n}: found, ms`).join(' | ')} |`);
  console.log(`|---|---|${names.map(() => '---|').join('')}`);
  for (const photo of photos) {
    const mine = rows.filter((r) => r.detail!.photo === photo);
    const d = mine[0].detail!;
    const cell = (n: string): string => {
      const r = mine.find((x) => x.name.endsWith(`: ${n}`));
      if (!r) return '-';
      const ok = r.detail!.found === r.detail!.truth;
      return `${r.detail!.found}${ok ? '' : ' (**wrong**)'}, ${num(r.ours)} ms`;
    };
    console.log(`| ${photo} (${d.width}x${d.height}) | ${d.truth} | ${names.map(cell).join(' | ')} |`);
  }
}

if (detectors) {
  detectorTable(latest.benches.flatMap((b) => b.rows.filter((r) => r.detail?.photo !== undefined)));
  process.exit(0);
}

console.log(
  '| benchmark | FER Studio | baseline (same run) | ratio (>1 = ours better) | target | load at start | measured (UTC) | machine |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const b of latest.benches) {
  // Benches can be rerun one at a time (--only), so each row says when it was measured.
  const when = b.date.slice(0, 16).replace('T', ' ');
  // The build machines differ from session to session (CPU vendor and vector width move the ratios).
  const cpu = b.machine.model.replace(/\(R\)/g, '').replace(/ Processor$/, '');
  const machine = `${cpu}${b.machine.vectors ? ` (${b.machine.vectors})` : ''}, Node ${b.machine.node.replace(/^v/, '')}`;
  // A row rerun alone (bench/train.ts --models rnn) carries its own date and load.
  for (const r of b.rows.filter((x) => x.detail?.photo === undefined))
    console.log(
      `| ${[...cells(r), (r.loadAverage ?? b.machine.loadAverage[0]).toFixed(1), r.measured ? r.measured.slice(0, 16).replace('T', ' ') : when, machine].join(' | ')} |`,
    );
}
