import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppOrigin, isAppUrl, resolveAppUrl } from '../../src/electron/app-url.ts';

describe('resolveAppUrl', () => {
  const root = path.resolve('/app/dist/renderer');
  it('maps app://fer/ paths into the renderer folder', () => {
    expect(resolveAppUrl(root, 'app://fer/')).toEqual({
      file: path.join(root, 'index.html'),
      type: 'text/html; charset=utf-8',
    });
    expect(resolveAppUrl(root, 'app://fer/app.js')?.file).toBe(path.join(root, 'app.js'));
  });
  it('refuses other hosts, schemes, traversal and unknown file types', () => {
    for (const url of [
      'app://other/index.html',
      'file:///etc/passwd',
      'app://fer/../../etc/passwd',
      'app://fer/x.exe',
      'app://fer/%E0%A4%A',
      'nonsense',
    ]) {
      expect(resolveAppUrl(root, url), url).toBeNull();
    }
    // Encoded dot segments are either refused or clamped inside the root by URL parsing: never outside.
    const encoded = resolveAppUrl(root, 'app://fer/%2e%2e/%2e%2e/secret.js');
    expect(encoded === null || encoded.file.startsWith(root + path.sep)).toBe(true);
    expect(
      resolveAppUrl(root, 'app://fer/a/%2F..%2F..%2F..%2Fetc/x.js')?.file.startsWith(root + path.sep) ?? true,
    ).toBe(true);
  });
  it('recognises the app origin only', () => {
    expect(isAppUrl('app://fer/index.html')).toBe(true);
    expect(isAppUrl('app://ferx/index.html')).toBe(false);
    expect(isAppUrl('https://fer/')).toBe(false);
  });
  it('recognises the app origin, with or without the trailing slash, and nothing longer', () => {
    expect(isAppOrigin('app://fer')).toBe(true);
    expect(isAppOrigin('app://fer/')).toBe(true);
    for (const o of [
      'app://fer/index.html',
      'app://ferx',
      'app://fer:1',
      'app://u:p@fer/',
      'app://fer/?x',
      'https://fer',
      'null',
      '',
    ]) {
      expect(isAppOrigin(o), o).toBe(false);
    }
  });
});
