/**
 * The headers on every response of both shells: web mode's HTTP server and Electron's
 * app:// protocol send this one object, so the page runs under the same policy in the
 * browser and in the window (test/electron/shell-headers.test.ts compares them). The page
 * itself carries no <meta> policy: a second copy would be a second place to keep in step.
 */

/**
 * `img-src blob: data:` shows the uploaded photo and exports the chart as PNG;
 * `media-src mediastream: blob:` plays the camera stream in the live view's <video>
 * (drawing that video into a canvas needs no directive: the stream is same-origin).
 * Media and images cannot run script; everything else stays 'self' or 'none'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' mediastream: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The camera for the page's own origin only, never the microphone or the screen, nor
 * for any frame: the browser refuses these before it asks the user (Electron's own
 * rule is in src/electron/permissions.ts).
 */
export const PERMISSIONS_POLICY =
  'camera=(self), microphone=(), display-capture=(), geolocation=(), usb=(), serial=(), hid=()';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'permissions-policy': PERMISSIONS_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
