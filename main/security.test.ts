import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  isAllowedNavigation,
  isPermissionAllowed,
  isPermissionCheckAllowed,
  isTrustedSender,
  resolveAppFile,
} from './security';

const ROOT = resolve('/opt/venue/dist/renderer');

describe('the app:// protocol path guard', () => {
  it('serves files under the renderer folder', () => {
    expect(resolveAppFile(ROOT, `${APP_ORIGIN}/`)).toBe(join(ROOT, 'index.html'));
    expect(resolveAppFile(ROOT, `${APP_ORIGIN}/index.html`)).toBe(join(ROOT, 'index.html'));
    expect(resolveAppFile(ROOT, `${APP_ORIGIN}/assets/app-1234.js?v=1#x`)).toBe(join(ROOT, 'assets', 'app-1234.js'));
    expect(resolveAppFile(ROOT, `${APP_ORIGIN}/assets/%E5%8F%97%E4%BB%98.png`)).toBe(join(ROOT, 'assets', '受付.png'));
  });

  it('never resolves outside the folder: ../ and %2e%2e/ are clamped by the URL parser itself', () => {
    expect(resolveAppFile(ROOT, `${APP_ORIGIN}/../../etc/passwd`)).toBe(join(ROOT, 'etc', 'passwd'));
    expect(resolveAppFile(ROOT, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`)).toBe(join(ROOT, 'etc', 'passwd'));
  });

  it.each([
    `${APP_ORIGIN}/assets/..%2f..%2f..%2fetc/passwd`,
    `${APP_ORIGIN}/assets/%2e%2e%5c%2e%2e%5cwindows`,
    `${APP_ORIGIN}/..%5c..%5cboot.ini`,
    `${APP_ORIGIN}/index.html%00.png`,
    `${APP_ORIGIN}/%E0%A4%A`,
    'app://other-host/index.html',
    'file:///etc/passwd',
    'https://example.com/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(ROOT, url)).toBeNull();
  });
});

describe('navigation, permissions and senders', () => {
  it('allows navigation only within the app', () => {
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html#/nurse`)).toBe(true);
    for (const url of ['https://example.com', 'http://127.0.0.1:5180/', 'file:///etc/passwd', 'app://evil/', 'javascript:alert(1)', 'data:text/html,hi']) {
      expect(isAllowedNavigation(url), url).toBe(false);
    }
  });

  it('grants the camera (video only) to the app’s own origin and nothing else', () => {
    expect(isPermissionAllowed('media', `${APP_ORIGIN}/index.html`, ['video'])).toBe(true);
    expect(isPermissionAllowed('media', `${APP_ORIGIN}/index.html`, ['video', 'audio'])).toBe(false);
    expect(isPermissionAllowed('media', `${APP_ORIGIN}/index.html`, ['audio'])).toBe(false);
    expect(isPermissionAllowed('media', `${APP_ORIGIN}/index.html`, [])).toBe(false);
    expect(isPermissionAllowed('media', 'https://example.com', ['video'])).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'midi', 'clipboard-read', 'hid', 'usb', 'serial', 'openExternal', 'fullscreen']) {
      expect(isPermissionAllowed(permission, `${APP_ORIGIN}/`, ['video']), permission).toBe(false);
    }
    expect(isPermissionCheckAllowed('media', `${APP_ORIGIN}/`)).toBe(true);
    expect(isPermissionCheckAllowed('media', 'https://example.com')).toBe(false);
    expect(isPermissionCheckAllowed('geolocation', `${APP_ORIGIN}/`)).toBe(false);
  });

  it('trusts only the main frame showing the app', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});
