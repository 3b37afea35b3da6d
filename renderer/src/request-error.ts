/** A refused or failed request, with the contract's error kind (e.g. 'busy'). */
import type { ErrorKind, WireResult } from '../../src/contract/contract.ts';

export class RequestError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function unwrap<T>(r: WireResult): T {
  if (r.ok) return r.value as T;
  throw new RequestError(r.error.kind, r.error.message);
}
