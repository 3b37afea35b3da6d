/**
 * Web mode: the renderer as static files, the contract over HTTP + WebSocket,
 * on 127.0.0.1 by default. Binding any other address turns on the token.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP } from '../contract/contract.ts';
import type { AppBackend } from '../app/backend.ts';
import { handleRequest, handleUpload, sendError } from './api.ts';
import { EventHub } from './event-hub.ts';
import { isLoopback, refuseReason, type GuardOptions } from './guard.ts';
import { serveStatic } from './static-files.ts';
import { SECURITY_HEADERS } from '../app/security-headers.ts';

export interface WebServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  backend: AppBackend;
  rendererDir: string;
}

export interface WebServer {
  url: string;
  port: number;
  /** Required on non-loopback binds; null otherwise. */
  token: string | null;
  close(): Promise<void>;
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = isLoopback(opts.host) ? null : randomBytes(24).toString('base64url');
  const guard: GuardOptions = { host: opts.host, port: opts.port, token };
  const hub = new EventHub();
  const unsubscribe = opts.backend.onEvent((e) => hub.publish(e));

  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    route(req, res).catch((e: unknown) => {
      console.error(e);
      if (!res.headersSent) sendError(res, 500, { kind: 'internal', message: 'internal error' });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/api/')) {
      if (!token && refuseReason(req, guard))
        return sendError(res, 403, { kind: 'invalid-request', message: 'forbidden' });
      return serveStatic(req, res, opts.rendererDir, url.pathname);
    }
    const why = refuseReason(req, guard);
    if (why) {
      req.resume();
      return sendError(res, 403, { kind: 'invalid-request', message: `forbidden: ${why}` });
    }
    if (req.method !== 'POST') return sendError(res, 405, { kind: 'invalid-request', message: 'use POST' });
    if (url.pathname.startsWith(HTTP.request))
      return handleRequest(req, res, opts.backend, url.pathname.slice(HTTP.request.length));
    if (url.pathname.startsWith(HTTP.upload))
      return handleUpload(req, res, opts.backend, url.pathname.slice(HTTP.upload.length));
    return sendError(res, 404, { kind: 'invalid-request', message: 'no such route' });
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== HTTP.events || refuseReason(req, guard, url.searchParams.get(HTTP.tokenParam))) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    hub.upgrade(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guard.port = port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/${token ? `#${HTTP.tokenParam}=${token}` : ''}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
