/**
 * The one error type the core raises for anything a user can cause (bad file,
 * bad option, no face...). Shells print `message` without a stack trace; any
 * other error is a bug and is shown in full.
 */
export type FerErrorKind = 'bad-input' | 'usage' | 'cancelled' | 'busy' | 'not-found';

export class FerError extends Error {
  readonly kind: FerErrorKind;
  readonly file: string | undefined;

  constructor(message: string, options: { kind?: FerErrorKind; file?: string; cause?: unknown } = {}) {
    super(options.file ? `${options.file}: ${message}` : message, { cause: options.cause });
    this.name = 'FerError';
    this.kind = options.kind ?? 'bad-input';
    this.file = options.file;
  }
}

export function isFerError(e: unknown): e is FerError {
  return e instanceof FerError;
}

/** Throws the cancellation error when the signal has fired; call between units of work. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FerError('cancelled by the user', { kind: 'cancelled' });
}
