/**
 * The answer to one app:// request: a file of the built renderer with the same security
 * headers web mode sends (src/app/security-headers.ts), or a 404. Free of Electron imports
 * so the headers are unit-tested beside web mode's.
 */
import { promises as fs } from 'node:fs';
import { SECURITY_HEADERS } from '../app/security-headers.ts';
import { resolveAppUrl } from './app-url.ts';

export async function appResponse(rendererDir: string, url: string): Promise<Response> {
  const target = resolveAppUrl(rendererDir, url);
  if (!target) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
  try {
    const body = await fs.readFile(target.file);
    return new Response(body, { headers: { ...SECURITY_HEADERS, 'content-type': target.type } });
  } catch {
    return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
  }
}
