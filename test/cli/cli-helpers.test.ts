/** The CLI's pure helpers: progress bars, durations, option parsing. */
import { describe, expect, it } from 'vitest';
import { parseCommand, positiveInt, UsageError } from '../../src/cli/args.ts';
import { parsePca } from '../../src/cli/commands/preprocess.ts';
import { bar, duration, percent } from '../../src/cli/progress-bar.ts';

describe('progress bar', () => {
  it('fills in proportion and clamps', () => {
    expect(bar(0, 10)).toBe('[          ]');
    expect(bar(0.5, 10)).toBe('[====>     ]');
    expect(bar(1, 10)).toBe('[==========]');
    expect(bar(7, 10)).toBe('[==========]');
    expect(bar(Number.NaN, 4)).toBe('[    ]');
    for (const f of [0, 0.13, 0.5, 0.99, 1]) expect(bar(f, 24)).toHaveLength(26);
  });

  it('formats durations and percentages', () => {
    expect(duration(75)).toBe('1:15');
    expect(duration(3725)).toBe('1:02:05');
    expect(duration(Number.POSITIVE_INFINITY)).toBe('?');
    expect(percent(0.4567)).toBe('45.7 %');
    expect(percent(null)).toBe('-');
  });
});

describe('option parsing', () => {
  it('turns parseArgs errors into usage errors carrying the usage line', () => {
    const e = (() => {
      try {
        parseCommand(['--nope'], {}, 'fer x', false);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).usage).toBe('fer x');
    expect((e as UsageError).message).toMatch(/--nope/);
  });

  it('checks numbers', () => {
    expect(positiveInt('12', '--epochs', 'u')).toBe(12);
    expect(positiveInt(undefined, '--epochs', 'u')).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', 'ten', ''])
      expect(() => positiveInt(bad, '--epochs', 'u')).toThrow(UsageError);
  });

  it('reads --pca as components or a variance fraction', () => {
    expect(parsePca('256')).toBe(256);
    expect(parsePca('0.95')).toEqual({ varianceFraction: 0.95 });
    expect(parsePca(undefined)).toBeNull();
    for (const bad of ['0', '1.5', '-3', 'all', '']) expect(() => parsePca(bad)).toThrow(UsageError);
  });
});
