/** Serves the built renderer: GET only, files inside the root only, no directory listings. */
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  urlPath: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'method not allowed');
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  } catch {
    return end(res, 400, 'bad path');
  }
  const base = path.resolve(root);
  const file = path.resolve(base, `.${rel}`);
  const type = TYPES[path.extname(file).toLowerCase()];
  if (!file.startsWith(base + path.sep) || rel.includes('\0') || rel.split('/').some((s) => s.startsWith('.')) || !type)
    return end(res, 404, 'not found');
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) return end(res, 404, 'not found');
  res.writeHead(200, { 'content-type': type, 'content-length': stat.size, 'cache-control': 'no-cache' });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

function end(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
