/** Web mode's HTTP/WebSocket layer against a fake backend: routing, limits and the security checks. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppEvent, WireResult } from '../../src/contract/contract.ts';
import type { AppBackend } from '../../src/app/backend.ts';
import { UploadStore } from '../../src/app/upload-store.ts';
import { startWebServer, type WebServer } from '../../src/server/web-server.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-web-test-'));
const rendererDir = path.join(tmp, 'renderer');

function fakeBackend() {
  const listeners = new Set<(e: AppEvent) => void>();
  const calls: { name: unknown; args: unknown }[] = [];
  const uploads = new UploadStore(path.join(tmp, 'uploads'));
  const backend: AppBackend = {
    uploads,
    request: async (name, args): Promise<WireResult> => {
      calls.push({ name, args });
      if (name === 'beginUpload')
        return {
          ok: true,
          value: {
            uploadId: await uploads.begin('dataset', (args as { files: { name: string; size: number }[] }).files),
          },
        };
      return { ok: true, value: { echo: name } };
    },
    loadPath: async () => ({ ok: true, value: null }),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: async () => undefined,
  };
  return {
    backend,
    calls,
    emit: (e: AppEvent) => {
      for (const l of listeners) l(e);
    },
  };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function send(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
const json = { 'content-type': 'application/json' };

let fake: ReturnType<typeof fakeBackend>;
let server: WebServer;
beforeAll(async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(tmp, 'secret.js'), 'secret');
  fake = fakeBackend();
  server = await startWebServer({ host: '127.0.0.1', port: 0, backend: fake.backend, rendererDir });
});
afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('web server on loopback', () => {
  it('serves the renderer with a CSP and no token', async () => {
    expect(server.token).toBeNull();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const r = await send(server.port, { path: '/' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    for (const p of ['/../secret.js', '/%2e%2e/secret.js', '/.hidden.js', '/index.exe'])
      expect((await send(server.port, { path: p })).status, p).toBe(404);
  });

  it('carries requests as JSON and returns the backend result', async () => {
    const r = await send(server.port, { method: 'POST', path: '/api/request/getState', headers: json, body: '{}' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, value: { echo: 'getState' } });
    expect(fake.calls.at(-1)).toEqual({ name: 'getState', args: {} });
  });

  it('refuses non-JSON, bad JSON, oversize bodies, GETs and unknown routes', async () => {
    const before = fake.calls.length;
    expect(
      (
        await send(server.port, {
          method: 'POST',
          path: '/api/request/getState',
          headers: { 'content-type': 'text/plain' },
          body: '{}',
        })
      ).status,
    ).toBe(415);
    expect(
      (await send(server.port, { method: 'POST', path: '/api/request/getState', headers: json, body: '{nope' })).status,
    ).toBe(400);
    expect(
      (
        await send(server.port, {
          method: 'POST',
          path: '/api/request/getState',
          headers: json,
          body: 'x'.repeat(9 * 1024 * 1024),
        })
      ).status,
    ).toBe(413);
    expect((await send(server.port, { method: 'GET', path: '/api/request/getState' })).status).toBe(405);
    expect((await send(server.port, { method: 'POST', path: '/api/other', headers: json, body: '{}' })).status).toBe(
      404,
    );
    expect(fake.calls.length).toBe(before);
  });

  it('refuses foreign Host headers (DNS rebinding) and cross-site origins', async () => {
    const evilHost = await send(server.port, {
      method: 'POST',
      path: '/api/request/getState',
      headers: { ...json, host: 'evil.example:80' },
      body: '{}',
    });
    expect(evilHost.status).toBe(403);
    const evilOrigin = await send(server.port, {
      method: 'POST',
      path: '/api/request/getState',
      headers: { ...json, origin: 'http://evil.example' },
      body: '{}',
    });
    expect(evilOrigin.status).toBe(403);
    const sameOrigin = await send(server.port, {
      method: 'POST',
      path: '/api/request/getState',
      headers: { ...json, origin: `http://127.0.0.1:${server.port}` },
      body: '{}',
    });
    expect(sameOrigin.status).toBe(200);
  });

  it('streams raw uploads into the announced files and checks their size', async () => {
    const begin = JSON.parse(
      (
        await send(server.port, {
          method: 'POST',
          path: '/api/request/beginUpload',
          headers: json,
          body: JSON.stringify({ purpose: 'dataset', files: [{ name: 'd/a.csv', size: 5 }] }),
        })
      ).body,
    );
    const id = begin.value.uploadId as string;
    const raw = { 'content-type': 'application/octet-stream' };
    expect(
      (await send(server.port, { method: 'POST', path: `/api/upload/${id}/0`, headers: raw, body: 'toolong' })).status,
    ).toBe(413);
    expect(
      (await send(server.port, { method: 'POST', path: `/api/upload/${id}/1`, headers: raw, body: 'hello' })).status,
    ).toBe(400);
    // Dot segments are resolved before routing: this is a POST to the static file /x/0, which only serves GET.
    expect(
      (await send(server.port, { method: 'POST', path: `/api/upload/../../x/0`, headers: raw, body: 'hello' })).status,
    ).toBe(405);
    // Encoded, they stay in the upload id, which the contract refuses.
    const encoded = await send(server.port, {
      method: 'POST',
      path: `/api/upload/..%2F..%2Fx/0`,
      headers: raw,
      body: 'hello',
    });
    expect(encoded.status).toBe(400);
    expect(JSON.parse(encoded.body)).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(
      (
        await send(server.port, {
          method: 'POST',
          path: `/api/upload/${id}/0`,
          headers: { 'content-type': 'text/plain' },
          body: 'hello',
        })
      ).status,
    ).toBe(415);
    const ok = await send(server.port, { method: 'POST', path: `/api/upload/${id}/0`, headers: raw, body: 'hello' });
    expect(ok.status).toBe(200);
    const done = await fake.backend.uploads.complete(id, 'dataset');
    expect(readFileSync(done.files[0].path, 'utf8')).toBe('hello');
  });

  it('pushes events over WebSocket, replaying the backlog to late joiners', async () => {
    fake.emit({ type: 'log', level: 'info', text: 'before connecting', time: 1 });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`);
    const got: AppEvent[] = [];
    ws.on('message', (m) => got.push(JSON.parse(String(m)) as AppEvent));
    await new Promise((r) => ws.once('open', r));
    fake.emit({ type: 'log', level: 'info', text: 'after connecting', time: 2 });
    await expect.poll(() => got.length).toBe(2);
    expect(got.map((e) => (e.type === 'log' ? e.text : e.type))).toEqual(['before connecting', 'after connecting']);
    ws.close();
    const evil = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { origin: 'http://evil.example' });
    await expect(
      new Promise((resolve) => {
        evil.once('error', () => resolve('refused'));
        evil.once('open', () => resolve('opened'));
      }),
    ).resolves.toBe('refused');
  });
});

describe('web server beyond loopback', () => {
  it('requires the random token for the API and the event stream', async () => {
    const f = fakeBackend();
    const s = await startWebServer({ host: '0.0.0.0', port: 0, backend: f.backend, rendererDir });
    try {
      expect(s.token).toMatch(/^[\w-]{32}$/);
      expect(s.url).toContain(`#token=${s.token}`);
      expect((await send(s.port, { path: '/' })).status).toBe(200);
      expect(
        (await send(s.port, { method: 'POST', path: '/api/request/getState', headers: json, body: '{}' })).status,
      ).toBe(403);
      expect(
        (
          await send(s.port, {
            method: 'POST',
            path: '/api/request/getState',
            headers: { ...json, 'x-fer-token': 'wrong' },
            body: '{}',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await send(s.port, {
            method: 'POST',
            path: '/api/request/getState',
            headers: { ...json, 'x-fer-token': s.token! },
            body: '{}',
          })
        ).status,
      ).toBe(200);
      expect(f.calls).toHaveLength(1);
      const open = (q: string) =>
        new Promise((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events${q}`);
          ws.once('open', () => {
            ws.close();
            resolve('opened');
          });
          ws.once('error', () => resolve('refused'));
        });
      await expect(open('')).resolves.toBe('refused');
      await expect(open(`?token=${s.token}`)).resolves.toBe('opened');
    } finally {
      await s.close();
    }
  });
});
