/**
 * Property-based fuzzing of the dataset parsers, run as a child process by
 * parser-properties.test.ts (so a parser stuck in a loop is killed by a deadline and reported,
 * instead of blocking the test runner):
 *   node --import tsx test/reliability/parser-fuzz.ts <npy|csv> <runs> <seed>
 * Each input must either parse into a self-consistent result or throw a FerError whose message
 * names the file; anything else (TypeError, RangeError, a slow parse) fails the property.
 * And every well-formed input (valid-arbitraries.ts) must parse, to the values it holds.
 * Prints one JSON line {ok, runs, maxMs, accepted} on success; the fast-check report on stderr on failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadCsvDataset } from '../../src/core/dataset/load-csv.ts';
import { parseNpy } from '../../src/core/dataset/npy.ts';
import { FER_CLASSES } from '../../src/core/dataset/types.ts';
import { FerError } from '../../src/core/errors.ts';
import { npyArbitraries } from './npy-arbitraries.ts';
import { csvArbitraries } from './csv-arbitraries.ts';
import { validCsv, validNpy } from './valid-arbitraries.ts';

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

/** Inputs each arbitrary produced that the parser accepted (checked for consistency). */
const accepted: Record<string, number> = { random: 0, structured: 0, mutated: 0, valid: 0 };

function checkNpy(bytes: Uint8Array): boolean {
  const t0 = performance.now();
  let ok = false;
  try {
    const a = parseNpy(bytes, 'fuzz.npy');
    const count = a.shape.reduce((x, y) => x * y, 1);
    if (!a.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new Error(`accepted shape (${a.shape.join(', ')})`);
    if (a.data.length !== count) throw new Error(`shape (${a.shape.join(', ')}) but ${a.data.length} values`);
    if (a.fortranOrder) throw new Error('accepted a Fortran-ordered array');
    ok = true;
  } catch (e) {
    expectFerError(e, 'fuzz.npy');
  }
  return timed(t0, ok);
}

async function checkCsv(dir: string, bytes: Uint8Array): Promise<boolean> {
  const file = path.join(dir, 'fuzz.csv');
  writeFileSync(file, bytes);
  const t0 = performance.now();
  let ok = false;
  try {
    const ds = await loadCsvDataset(file);
    const per = ds.height * ds.width;
    if (ds.count < 1 || per < 1 || ds.height !== ds.width)
      throw new Error(`bad geometry ${ds.count}x${ds.height}x${ds.width}`);
    if (ds.images.length !== ds.count * per || ds.labels.length !== ds.count)
      throw new Error('buffer sizes do not match the count');
    if (ds.labels.some((l) => l >= ds.classes.length)) throw new Error('label outside the classes');
    if (ds.split && (ds.split.length !== ds.count || ds.split.some((s) => s > 2))) throw new Error('bad split codes');
    ok = true;
  } catch (e) {
    expectFerError(e, file);
  }
  return timed(t0, ok);
}

const [kind, runsArg, seedArg] = process.argv.slice(2);
const numRuns = Number(runsArg ?? 200);
const seed = Number(seedArg ?? 1);
const dir = mkdtempSync(path.join(tmpdir(), 'fer-fuzz-'));
try {
  if (kind === 'npy') {
    for (const [name, arb] of Object.entries(npyArbitraries())) {
      fc.assert(
        fc.property(arb, (b) => {
          if (checkNpy(b)) accepted[name]++;
        }),
        { numRuns, seed },
      );
    }
    fc.assert(
      fc.property(validNpy, (v) => {
        const a = parseNpy(v.bytes, 'valid.npy');
        if (a.shape.join() !== v.shape.join() || Array.from(a.data).join() !== Array.from(v.values).join())
          throw new Error('a valid .npy read back different values');
        accepted.valid++;
      }),
      { numRuns, seed },
    );
  } else if (kind === 'csv') {
    for (const [name, arb] of Object.entries(csvArbitraries())) {
      await fc.assert(
        fc.asyncProperty(arb, async (b) => {
          if (await checkCsv(dir, b)) accepted[name]++;
        }),
        { numRuns, seed },
      );
    }
    await fc.assert(
      fc.asyncProperty(validCsv, async (v) => {
        const file = path.join(dir, 'valid.csv');
        writeFileSync(file, v.bytes);
        const ds = await loadCsvDataset(file);
        const emotions = Array.from(ds.labels, (l) =>
          FER_CLASSES.indexOf(ds.classes[l] as (typeof FER_CLASSES)[number]),
        );
        if (
          ds.count !== v.emotions.length ||
          emotions.join() !== v.emotions.join() ||
          ds.images.join() !== v.images.join()
        )
          throw new Error('a valid CSV read back different rows');
        accepted.valid++;
      }),
      { numRuns, seed },
    );
  } else {
    throw new Error(`usage: parser-fuzz.ts <npy|csv> <runs> <seed>, got ${kind}`);
  }
  console.log(JSON.stringify({ ok: true, kind, runs: numRuns * 3, maxMs: Math.round(maxMs), accepted }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
