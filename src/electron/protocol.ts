/** Serves the built renderer on app://fer/ with the CSP as a real header. */
import { promises as fs } from 'node:fs';
import { protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../server/security-headers.ts';
import { APP_SCHEME, resolveAppUrl } from './app-url.ts';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const target = resolveAppUrl(rendererDir, request.url);
    if (!target) return new Response('not found', { status: 404 });
    try {
      const body = await fs.readFile(target.file);
      return new Response(body, { headers: { 'content-type': target.type, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
