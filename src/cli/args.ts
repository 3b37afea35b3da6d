/**
 * Argument parsing shared by every command: node:util parseArgs in strict
 * mode, wrapped so that every mistake becomes a UsageError (exit code 2) with
 * the command's usage line, never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called (unknown option, missing value...). Exit code 2. */
export class UsageError extends Error {
  readonly usage: string;

  constructor(message: string, usage: string) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** parseArgs (strict) that throws UsageError instead of Node's own TypeError. */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  usage: string,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (e) {
    // Node's messages are clear ("Unknown option '--foo'..."); keep only the first sentence-line.
    const message = (e as Error).message.split('\n')[0];
    throw new UsageError(message, usage);
  }
}

export function required(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing required option ${flag}`, usage);
  return value;
}

/** A positive integer option (epochs, batch size, image size). */
export function positiveInt(value: string | undefined, flag: string, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer, got "${value}"`, usage);
  return n;
}

/** Any integer (seeds may be 0). */
export function integer(value: string | undefined, flag: string, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} must be an integer, got "${value}"`, usage);
  return n;
}

export function positiveNumber(value: string | undefined, flag: string, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`, usage);
  return n;
}

export function oneOf<V extends string>(
  value: string | undefined,
  allowed: readonly V[],
  flag: string,
  usage: string,
): V | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`, usage);
  }
  return value as V;
}
