/** Both shells serve the page under one policy: Electron's app:// answers and web mode's HTTP answers carry the same headers. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppBackend } from '../../src/app/backend.ts';
import { SECURITY_HEADERS } from '../../src/app/security-headers.ts';
import { UploadStore } from '../../src/app/upload-store.ts';
import { appResponse } from '../../src/electron/app-response.ts';
import { startWebServer, type WebServer } from '../../src/server/web-server.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-headers-test-'));
const rendererDir = path.join(tmp, 'renderer');
let server: WebServer;

beforeAll(async () => {
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  const backend: AppBackend = {
    uploads: new UploadStore(path.join(tmp, 'uploads')),
    request: async () => ({ ok: true, value: null }),
    loadPath: async () => ({ ok: true, value: null }),
    onEvent: () => () => undefined,
    close: async () => undefined,
  };
  server = await startWebServer({ host: '127.0.0.1', port: 0, backend, rendererDir });
});
afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function webHeaders(urlPath: string): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path: urlPath }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      })
      .on('error', reject);
  });
}

/** The shared security headers as one shell sent them (names lower-cased). */
function pick(get: (name: string) => string | null | undefined): Record<string, string | null> {
  return Object.fromEntries(Object.keys(SECURITY_HEADERS).map((k) => [k, get(k) ?? null]));
}

describe('one policy for both shells', () => {
  it('sends the same security headers from Electron and from web mode, for the page and for a 404', async () => {
    for (const [appUrl, webPath] of [
      ['app://fer/index.html', '/index.html'],
      ['app://fer/missing.js', '/missing.js'],
    ]) {
      const fromApp = await appResponse(rendererDir, appUrl);
      const fromWeb = await webHeaders(webPath);
      const app = pick((k) => fromApp.headers.get(k));
      const web = pick((k) => fromWeb[k] as string | undefined);
      expect(app, appUrl).toEqual(web);
      expect(app, appUrl).toEqual(SECURITY_HEADERS);
    }
  });

  it('lets the live view play the camera stream, and keeps scripts, frames and plugins locked', () => {
    const csp = new Map(
      SECURITY_HEADERS['content-security-policy'].split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
    );
    expect(csp.get('media-src')).toEqual(["'self'", 'mediastream:', 'blob:']);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(SECURITY_HEADERS['content-security-policy']).not.toMatch(/unsafe-|\*|https?:/);
    expect(SECURITY_HEADERS['permissions-policy']).toMatch(/(^|, )camera=\(self\)(,|$)/);
    expect(SECURITY_HEADERS['permissions-policy']).toMatch(/(^|, )microphone=\(\)(,|$)/);
  });

  it('keeps no second copy of the policy in the page itself', () => {
    const page = readFileSync(path.resolve('renderer/index.html'), 'utf8');
    expect(page).not.toMatch(/http-equiv=["']?content-security-policy/i);
  });
});
