/**
 * The last step of serving a file from the renderer folder, for the app://
 * protocol (main/protocol.ts) and the browser host (host/static.ts): the
 * file must exist and, with every symlink resolved, still lie inside the
 * folder (itself resolved), so a link planted under dist/renderer cannot
 * serve anything outside it.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/** The real path of a regular file inside root, or null. */
export async function realFileInside(root: string, candidate: string): Promise<string | null> {
  try {
    const real = await realpath(candidate);
    if (!isInside(await realpath(root), real)) return null;
    const info = await stat(real);
    return info.isFile() ? real : null;
  } catch {
    return null;
  }
}
