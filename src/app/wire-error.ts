/** Any thrown value -> the contract's error value; only FerErrors and contract errors are the user's doing. */
import { ContractError, type WireError } from '../contract/contract.ts';
import { isFerError } from '../core/errors.ts';

export function toWireError(e: unknown): WireError {
  if (e instanceof ContractError) return { kind: 'invalid-request', message: `invalid request: ${e.message}` };
  if (isFerError(e)) return { kind: e.kind, message: e.message };
  console.error(e);
  return { kind: 'internal', message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
}
