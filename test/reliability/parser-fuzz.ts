/**
 * Property-based fuzzing of the dataset parsers, run as a child process by
 * parser-properties.test.ts (so a parser stuck in a loop is killed by a deadline and reported,
 * instead of blocking the test runner):
 *   node --import tsx test/reliability/parser-fuzz.ts <npy|csv> <runs> <seed>
 * Each input must either parse into a self-consistent result or throw a FerError whose message
 * names the file; anything else (TypeError, RangeError, a slow parse) fails the property.
 * Prints one JSON line {ok, runs, maxMs} on success; the fast-check report on stderr on failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadCsvDataset } from '../../src/core/dataset/load-csv.ts';
import { parseNpy } from '../../src/core/dataset/npy.ts';
import { FerError } from '../../src/core/errors.ts';
import { npyArbitraries } from './npy-arbitraries.ts';
import { csvArbitraries } from './csv-arbitraries.ts';

/** One parse may take at most this long; inputs are at most a few KB. */
const MAX_MS = 500;
let maxMs = 0;

function timed<T>(t0: number, value: T): T {
  const ms = performance.now() - t0;
  maxMs = Math.max(maxMs, ms);
  if (ms > MAX_MS) throw new Error(`parse took ${ms.toFixed(0)} ms (limit ${MAX_MS})`);
  return value;
}

function expectFerError(e: unknown, file: string): void {
  if (!(e instanceof FerError)) throw e; // the property fails with the foreign error
  if (!e.message.startsWith(`${file}: `)) throw new Error(`message does not name the file: ${e.message}`);
}

function checkNpy(bytes: Uint8Array): void {
  const t0 = performance.now();
  try {
    const a = parseNpy(bytes, 'fuzz.npy');
    const count = a.shape.reduce((x, y) => x * y, 1);
    if (!a.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`accepted shape (${a.shape.join(', ')})`);
    if (a.data.length !== count) throw new Error(`shape (${a.shape.join(', ')}) but ${a.data.length} values`);
    if (a.fortranOrder) throw new Error('accepted a Fortran-ordered array');
  } catch (e) {
    expectFerError(e, 'fuzz.npy');
  }
  timed(t0, null);
}

async function checkCsv(dir: string, bytes: Uint8Array): Promise<void> {
  const file = path.join(dir, 'fuzz.csv');
  writeFileSync(file, bytes);
  const t0 = performance.now();
  try {
    const ds = await loadCsvDataset(file);
    const per = ds.height * ds.width;
    if (ds.count < 1 || per < 1 || ds.height !== ds.width) throw new Error(`bad geometry ${ds.count}x${ds.height}x${ds.width}`);
    if (ds.images.length !== ds.count * per || ds.labels.length !== ds.count) throw new Error('buffer sizes do not match the count');
    if (ds.labels.some((l) => l >= ds.classes.length)) throw new Error('label outside the classes');
    if (ds.split && (ds.split.length !== ds.count || ds.split.some((s) => s > 2))) throw new Error('bad split codes');
  } catch (e) {
    expectFerError(e, file);
  }
  timed(t0, null);
}

const [kind, runsArg, seedArg] = process.argv.slice(2);
const numRuns = Number(runsArg ?? 200);
const seed = Number(seedArg ?? 1);
const dir = mkdtempSync(path.join(tmpdir(), 'fer-fuzz-'));
try {
  if (kind === 'npy') {
    const { random, structured, mutated } = npyArbitraries();
    for (const arb of [random, structured, mutated]) fc.assert(fc.property(arb, checkNpy), { numRuns, seed });
  } else if (kind === 'csv') {
    const { random, structured, mutated } = csvArbitraries();
    for (const arb of [random, structured, mutated]) {
      await fc.assert(fc.asyncProperty(arb, (b) => checkCsv(dir, b)), { numRuns, seed });
    }
  } else {
    throw new Error(`usage: parser-fuzz.ts <npy|csv> <runs> <seed>, got ${kind}`);
  }
  console.log(JSON.stringify({ ok: true, kind, runs: numRuns * 3, maxMs: Math.round(maxMs) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
