import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { isInside, realFileInside } from '../main/files';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a request path to a file inside root, or null. Refuses anything that
 * could leave the folder: `..` segments (also percent-encoded), backslashes,
 * NUL, absolute paths, and symlinks that point outside.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  const candidate = resolve(root, ...segments);
  if (!isInside(root, candidate)) return null;
  return realFileInside(root, candidate);
}

export async function readStatic(path: string): Promise<Buffer> {
  return readFile(path);
}
