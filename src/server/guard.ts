/**
 * Who may talk to the web-mode API. Loopback binds accept only loopback Host
 * headers (blocks DNS rebinding); other binds require the random token printed
 * at start. Browsers' cross-site requests are refused by Origin, and by
 * requiring content types that a plain HTML form cannot send.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HTTP } from '../contract/contract.ts';

export interface GuardOptions {
  host: string;
  port: number;
  /** null on loopback binds. */
  token: string | null;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function sameToken(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Returns why the request is refused, or null when it may proceed. */
export function refuseReason(req: IncomingMessage, opts: GuardOptions, tokenFromUrl?: string | null): string | null {
  const host = req.headers.host ?? '';
  if (!opts.token) {
    const allowed = ['127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${opts.port}`);
    if (!allowed.includes(host.toLowerCase())) return 'unexpected Host header';
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return 'cross-origin request';
  if (opts.token) {
    const header = req.headers[HTTP.tokenHeader];
    if (!sameToken(Array.isArray(header) ? header[0] : (header ?? tokenFromUrl), opts.token))
      return 'missing or wrong token';
  }
  return null;
}
