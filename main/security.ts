/**
 * The Electron shell's security rules as plain data and pure functions, so
 * tests can check them without the Electron binary. main.ts applies them.
 */
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'venue';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * Sent as a header with every page the app serves (the renderer also carries
 * it in a meta tag). No inline script, no eval; WebAssembly for the barcode
 * decoder; the camera through blob:/mediastream:.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Maps an app:// URL to a file under the renderer folder, or null when the URL
 * is not ours or tries to leave the folder (../, encoded separators, absolute
 * paths, NUL bytes).
 */
export function resolveAppFile(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  // Encoded dot segments (%2e%2e) survive URL parsing; refuse them rather than clamp.
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return null;
  const relativePath = normalize(path === '/' ? '/index.html' : path).replace(/^[/\\]+/, '');
  const base = resolve(root);
  const file = resolve(base, relativePath);
  const fromRoot = relative(base, file);
  if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot) || fromRoot.split(sep).includes('..')) return null;
  return file;
}

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.woff2': 'font/woff2',
};

/** Only the app's own pages may be shown in the window; everything else is refused. */
export function isAllowedNavigation(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Permissions: the camera (video only) for the app's own origin, nothing
 * else for anyone (no microphone, geolocation, notifications, USB, HID…).
 */
export function isPermissionAllowed(permission: string, requestingOrigin: string, mediaTypes: readonly string[] = []): boolean {
  if (!isAllowedNavigation(requestingOrigin)) return false;
  if (permission !== 'media') return false;
  return mediaTypes.length > 0 && mediaTypes.every((type) => type === 'video');
}

/** Permission checks (no media types known) for enumerating cameras. */
export function isPermissionCheckAllowed(permission: string, requestingOrigin: string): boolean {
  return isAllowedNavigation(requestingOrigin) && permission === 'media';
}

/** The frame an IPC call came from must be the window's main frame, showing our app. */
export interface SenderFrame {
  readonly url: string;
  readonly isMainFrame: boolean;
}

export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return !!frame && frame.isMainFrame && isAllowedNavigation(frame.url);
}
