/**
 * Which web permissions the app's page gets: the camera for the live view, and nothing
 * else. Granted only to the app's own window, main frame, on the app's own origin, for
 * video alone (the live view never needs a microphone); every other permission, origin,
 * window, frame and device request is denied. Chromium asks twice (a check, e.g. for
 * enumerateDevices' labels, and a request for getUserMedia), so both handlers apply the
 * same rule. Type-only Electron imports: unit-tested with a fake session.
 */
import type { Session } from 'electron';
import { isAppOrigin, isAppUrl } from './app-url.ts';

/** The parts of Electron's Session this module sets. */
export type SessionLike = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/** The parts of the main window the rule reads. */
export interface WindowLike {
  webContents: unknown;
  isDestroyed(): boolean;
}

export function guardPermissions(ses: SessionLike, getWindow: () => WindowLike | null): void {
  const isOwnWindow = (contents: unknown): boolean => {
    const win = getWindow();
    return !!win && !win.isDestroyed() && contents !== null && contents === win.webContents;
  };

  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    const origin = 'securityOrigin' in details ? details.securityOrigin : undefined;
    callback(
      permission === 'media' &&
        isOwnWindow(contents) &&
        details.isMainFrame &&
        isAppUrl(details.requestingUrl) &&
        (origin === undefined || isAppOrigin(origin)) &&
        mediaTypes.length > 0 &&
        mediaTypes.every((t) => t === 'video'),
    );
  });

  ses.setPermissionCheckHandler(
    (contents, permission, requestingOrigin, details) =>
      permission === 'media' &&
      details.mediaType === 'video' &&
      isOwnWindow(contents) &&
      details.isMainFrame &&
      isAppOrigin(requestingOrigin) &&
      (details.requestingUrl === undefined || isAppUrl(details.requestingUrl)),
  );

  // USB, serial and HID devices: never. Without this handler, devices a page once picked stay granted.
  ses.setDevicePermissionHandler(() => false);
}
