/**
 * The renderer is served to the window from the custom scheme app://fer/
 * (not file://, so the page has a real origin and a CSP header, and cannot
 * read arbitrary local files). Pure path logic, unit-tested without Electron.
 */
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'fer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The file an app:// URL names inside `root`, or null for anything else (other hosts, traversal, unknown types). */
export function resolveAppUrl(root: string, url: string): { file: string; type: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${rel === '/' ? '/index.html' : rel}`);
  const type = TYPES[path.extname(file).toLowerCase()];
  if (!type || !file.startsWith(path.resolve(root) + path.sep) || rel.includes('\0')) return null;
  return { file, type };
}

/** True when `url` is a page of the app itself (used by the sender check and navigation guards). */
export function isAppUrl(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`);
}

/**
 * True when `origin` is the app's own origin, written with or without the trailing slash
 * (Chromium hands permission handlers a URL spec, `app://fer/`). WHATWG URL gives custom
 * schemes an opaque origin ("null"), so scheme, host and an empty path are compared instead.
 */
export function isAppOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return (
    u.protocol === `${APP_SCHEME}:` &&
    u.host === APP_HOST &&
    (u.pathname === '' || u.pathname === '/') &&
    !u.username &&
    !u.password &&
    !u.search &&
    !u.hash
  );
}
