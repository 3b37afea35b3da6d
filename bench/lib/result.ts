/**
 * One shape for every benchmark's figures, so `npm run bench -- --json` can
 * merge them into bench/results/latest.json. Each bench script prints its rows
 * as text and, when given `--json-out FILE`, also writes them as a BenchResult.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface BenchRow {
  /** e.g. "train-cnn", "pca 95 % variance". */
  name: string;
  /** ISO time, when this row was measured apart from the rest of its bench (merged in by hand). */
  measured?: string;
  /** 1-minute load average when a row rerun alone was measured (else the bench's). */
  loadAverage?: number;
  /** What is measured, e.g. "images/s", "seconds". */
  unit: string;
  ours: number;
  baseline: number | null;
  /** Who the baseline is, e.g. "PyTorch 2.x CPU, 2 threads". */
  baselineName: string | null;
  /** ours/baseline expressed so that > 1 means ours is better (throughput: ours/base; time: base/ours). */
  speedup: number | null;
  /** The issue's target in words, e.g. ">= 0.5x PyTorch". */
  target: string;
  met: boolean | null;
  notes?: string;
  /** Structured figures a table is built from (bench/table.ts --detectors), beside the words in notes. */
  detail?: Record<string, string | number>;
}

export interface BenchResult {
  bench: string;
  date: string;
  machine: {
    cpus: number;
    model: string;
    memoryGiB: number;
    loadAverage: number[];
    node: string;
    /** Widest x86 vector extension (Linux only): native baselines use it, wasm stays at 128 bits. */
    vectors?: string;
  };
  backend: string;
  rows: BenchRow[];
}

/**
 * The load average when this process started: each bench runs in its own process and imports this
 * file first, and the table's "load at start" column is meant to show other work on the machine,
 * not the bench's own threads (read at the end, a 2-thread bench reported its own load of about 2).
 */
const START_LOAD = os.loadavg().map((v) => Math.round(v * 100) / 100);

export function machineInfo(): BenchResult['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: START_LOAD,
    node: process.version,
    vectors: vectorExtension(),
  };
}

function vectorExtension(): string | undefined {
  try {
    const flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim().split(/\s+/));
    const names: [string, string][] = [
      ['avx512f', 'AVX-512'],
      ['avx2', 'AVX2'],
      ['avx', 'AVX'],
      ['sse4_2', 'SSE4.2'],
    ];
    return names.find(([flag]) => flags.has(flag))?.[1];
  } catch {
    return undefined;
  }
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** ours/baseline for throughputs (higher is better), baseline/ours for times (lower is better). */
export function speedup(ours: number, baseline: number | null, higherIsBetter: boolean): number | null {
  if (baseline === null || !(ours > 0) || !(baseline > 0)) return null;
  return higherIsBetter ? ours / baseline : baseline / ours;
}

export function printRows(rows: BenchRow[]): void {
  for (const r of rows) {
    const base = r.baseline === null ? 'no baseline' : `${r.baselineName}: ${fmt(r.baseline)} ${r.unit}`;
    const ratio = r.speedup === null ? '' : `; ratio ${r.speedup.toFixed(2)}x`;
    const verdict = r.met === null ? '' : r.met ? ' [target met]' : ' [target NOT met]';
    console.log(
      `${r.name}: ours ${fmt(r.ours)} ${r.unit}; ${base}${ratio}; target ${r.target}${verdict}${r.notes ? ` (${r.notes})` : ''}`,
    );
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3);
}

/** Writes the result where `--json-out FILE` says, if it was given. */
export function writeResult(result: BenchResult, argv: string[] = process.argv): void {
  const i = argv.indexOf('--json-out');
  if (i >= 0 && argv[i + 1]) writeFileSync(argv[i + 1], `${JSON.stringify(result, null, 2)}\n`);
}
