/** Serves the built renderer on app://fer/ with the shared security headers (app-response.ts). */
import { protocol } from 'electron';
import { appResponse } from './app-response.ts';
import { APP_SCHEME } from './app-url.ts';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appResponse(rendererDir, request.url));
}
