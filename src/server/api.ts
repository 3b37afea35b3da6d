/**
 * The contract over HTTP: POST /api/request/<name> with a JSON body -> a JSON
 * WireResult; POST /api/upload/<uploadId>/<index> with the raw file bytes,
 * streamed to the upload folder (never held whole in memory).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS, UPLOAD_FILE, type WireError, type WireResult } from '../contract/contract.ts';
import type { AppBackend } from '../app/backend.ts';
import { toWireError } from '../app/wire-error.ts';

export function sendJson(res: ServerResponse, status: number, body: WireResult): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: WireError): void {
  sendJson(res, status, { ok: false, error });
}

/** The body, or null when over `limit` (the rest is drained so the client can read the 413, up to a bound). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4 * limit) {
      req.destroy();
      return null;
    }
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? null : Buffer.concat(chunks);
}

function contentType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  backend: AppBackend,
  name: string,
): Promise<void> {
  if (contentType(req) !== 'application/json')
    return sendError(res, 415, {
      kind: 'invalid-request',
      message: 'requests are JSON (content-type application/json)',
    });
  const body = await readBody(req, LIMITS.maxJsonBytes);
  if (!body) return sendError(res, 413, { kind: 'invalid-request', message: 'request too large' });
  let args: unknown;
  try {
    args = body.length ? JSON.parse(body.toString('utf8')) : undefined;
  } catch {
    return sendError(res, 400, { kind: 'invalid-request', message: 'invalid request: the body is not JSON' });
  }
  sendJson(res, 200, await backend.request(name, args));
}

export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  backend: AppBackend,
  rest: string,
): Promise<void> {
  if (contentType(req) !== 'application/octet-stream')
    return sendError(res, 415, {
      kind: 'invalid-request',
      message: 'uploads are raw bytes (content-type application/octet-stream)',
    });
  const [uploadId, index, extra] = rest.split('/');
  let target: { uploadId: string; index: number };
  try {
    if (extra !== undefined || !/^\d{1,6}$/.test(index ?? '')) throw new Error('bad upload path');
    const parsed = UPLOAD_FILE({ uploadId, index: Number(index), bytes: new Uint8Array(0) }, 'upload');
    target = { uploadId: parsed.uploadId, index: parsed.index };
  } catch (e) {
    return sendError(res, 400, { kind: 'invalid-request', message: `invalid upload: ${(e as Error).message}` });
  }
  try {
    // Refuse a wrong size before reading a byte, so the client gets an answer rather than a reset.
    const info = await backend.uploads.fileInfo(target.uploadId, target.index);
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) !== info.size) {
      req.resume();
      return sendError(res, 413, {
        kind: 'bad-input',
        message: `${info.name}: ${declared} bytes sent, ${info.size} were announced`,
      });
    }
    await backend.uploads.writeFile(target.uploadId, target.index, req as AsyncIterable<Uint8Array>);
    sendJson(res, 200, { ok: true, value: null });
  } catch (e) {
    req.resume();
    sendError(res, 400, toWireError(e));
  }
}
