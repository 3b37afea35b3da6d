/** The permission rule with a fake session: no Electron needed (type-only imports). */
import { describe, expect, it } from 'vitest';
import type { Session } from 'electron';
import { guardPermissions, type SessionLike, type WindowLike } from '../../src/electron/permissions.ts';

type RequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
type CheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;
type DeviceHandler = NonNullable<Parameters<Session['setDevicePermissionHandler']>[0]>;
type Permission = Parameters<RequestHandler>[1];
type RequestDetails = Parameters<RequestHandler>[3];
type CheckDetails = Parameters<CheckHandler>[3];

const PAGE = 'app://fer/index.html';

function setup() {
  const handlers: { request?: RequestHandler; check?: CheckHandler; device?: DeviceHandler } = {};
  const ses: SessionLike = {
    setPermissionRequestHandler: (h) => {
      handlers.request = h ?? undefined;
    },
    setPermissionCheckHandler: (h) => {
      handlers.check = h ?? undefined;
    },
    setDevicePermissionHandler: (h) => {
      handlers.device = h ?? undefined;
    },
  };
  const ownContents = { id: 1 };
  let win: (WindowLike & { destroyed: boolean }) | null = {
    webContents: ownContents,
    destroyed: false,
    isDestroyed() {
      return this.destroyed;
    },
  };
  guardPermissions(ses, () => win);
  const contents = (c: unknown) => c as Parameters<RequestHandler>[0];

  /** What the request handler answers (it must answer exactly once). */
  const request = (
    permission: Permission,
    details: Partial<RequestDetails & { mediaTypes: ('video' | 'audio')[]; securityOrigin: string }> = {},
    from: unknown = ownContents,
  ): boolean => {
    const answers: boolean[] = [];
    handlers.request!(contents(from), permission, (granted) => answers.push(granted), {
      isMainFrame: true,
      requestingUrl: PAGE,
      mediaTypes: ['video'],
      securityOrigin: 'app://fer/',
      ...details,
    } as RequestDetails);
    expect(answers).toHaveLength(1);
    return answers[0];
  };
  const check = (
    permission: Permission,
    details: Partial<CheckDetails> = {},
    origin = 'app://fer',
    from: unknown = ownContents,
  ): boolean =>
    handlers.check!(from === null ? null : contents(from), permission, origin, {
      isMainFrame: true,
      requestingUrl: PAGE,
      mediaType: 'video',
      securityOrigin: origin,
      ...details,
    });
  return {
    handlers,
    request,
    check,
    ownContents,
    closeWindow: () => {
      win!.destroyed = true;
    },
    dropWindow: () => {
      win = null;
    },
  };
}

describe('guardPermissions', () => {
  it('grants the camera (video only) to the app window, its main frame, on the app origin', () => {
    const { request, check } = setup();
    expect(request('media')).toBe(true);
    expect(request('media', { securityOrigin: undefined })).toBe(true);
    expect(check('media')).toBe(true);
    expect(check('media', {}, 'app://fer/')).toBe(true);
  });

  it('denies the microphone, alone or with the camera, and media requests that name no device', () => {
    const { request, check } = setup();
    expect(request('media', { mediaTypes: ['audio'] })).toBe(false);
    expect(request('media', { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(request('media', { mediaTypes: [] })).toBe(false);
    expect(request('media', { mediaTypes: undefined })).toBe(false);
    expect(check('media', { mediaType: 'audio' })).toBe(false);
    expect(check('media', { mediaType: 'unknown' })).toBe(false);
  });

  it('denies other origins, pages, frames and windows', () => {
    const { request, check } = setup();
    for (const url of [
      'https://evil.example/',
      'app://ferx/index.html',
      'file:///home/user/page.html',
      'http://127.0.0.1:5178/',
    ]) {
      expect(request('media', { requestingUrl: url }), url).toBe(false);
      expect(check('media', { requestingUrl: url }), url).toBe(false);
    }
    for (const origin of ['https://evil.example', 'app://ferx', 'app://fer:8080', 'app://fer/index.html', 'null', '']) {
      expect(request('media', { securityOrigin: origin }), origin).toBe(false);
      expect(check('media', {}, origin), origin).toBe(false);
    }
    expect(request('media', { isMainFrame: false })).toBe(false);
    expect(check('media', { isMainFrame: false })).toBe(false);
    expect(request('media', {}, { id: 2 })).toBe(false);
    expect(check('media', {}, 'app://fer', { id: 2 })).toBe(false);
    expect(check('media', {}, 'app://fer', null)).toBe(false);
  });

  it('denies every other permission, even to the app window', () => {
    const { request, check } = setup();
    const others: Permission[] = [
      'display-capture',
      'notifications',
      'geolocation',
      'openExternal',
      'clipboard-read',
      'hid',
      'usb',
      'serial',
      'midi',
      'fullscreen',
      'pointerLock',
      'fileSystem',
      'unknown',
    ];
    for (const p of others) {
      expect(request(p), p).toBe(false);
      expect(check(p), p).toBe(false);
    }
  });

  it('denies everything once the window is closed or gone', () => {
    const { request, check, closeWindow, dropWindow } = setup();
    closeWindow();
    expect(request('media')).toBe(false);
    expect(check('media')).toBe(false);
    dropWindow();
    expect(request('media')).toBe(false);
    expect(check('media')).toBe(false);
  });

  it('denies every USB, serial and HID device', () => {
    const { handlers } = setup();
    for (const deviceType of ['hid', 'serial', 'usb'] as const) {
      expect(handlers.device!({ deviceType, origin: 'app://fer', device: {} as never })).toBe(false);
    }
  });
});
