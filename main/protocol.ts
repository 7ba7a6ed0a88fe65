/** Serves the built renderer from app://venue/ with the CSP header and a path-traversal guard. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { realFileInside } from './files';
import { CONTENT_SECURITY_POLICY, MIME_TYPES, resolveAppFile } from './security';

export async function serveAppRequest(rendererRoot: string, url: string): Promise<Response> {
  const candidate = resolveAppFile(rendererRoot, url);
  // Symlinks resolved before the file is read: a link inside the folder may not lead out of it.
  const file = candidate && (await realFileInside(rendererRoot, candidate));
  if (!file) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Cross-Origin-Opener-Policy': 'same-origin',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
