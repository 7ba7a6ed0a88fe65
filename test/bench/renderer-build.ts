/**
 * The benches that drive Chromium need the built renderer (dist/renderer),
 * and it must be the renderer of the sources as they are, as
 * test/e2e/global-setup.ts makes sure for the end-to-end tests. Building
 * takes a few seconds, so it is done only when the build is missing or older
 * than anything it is made from.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const INDEX = join(ROOT, 'dist/renderer/index.html');
/** What the build reads: the renderer, the parts of src/ it imports, the sounds, the build config. */
const SOURCES = ['renderer', 'src', 'assets', 'package.json'];

/** The newest modification time under `path`, tests excluded (they are not in the build). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function rendererIsStale(): boolean {
  if (!existsSync(INDEX)) return true;
  const built = statSync(INDEX).mtimeMs;
  return SOURCES.some((source) => existsSync(join(ROOT, source)) && newestMtime(join(ROOT, source)) > built);
}

/** Builds dist/renderer when it is missing or stale; says whether it did and how long it took. */
export async function ensureRendererBuilt(log: (line: string) => void = () => {}): Promise<{ built: boolean; ms: number }> {
  if (!rendererIsStale()) return { built: false, ms: 0 };
  log('dist/renderer is missing or older than its sources: building the renderer…');
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'renderer/vite.config.ts'), logLevel: 'warn' });
  return { built: true, ms: Math.round(performance.now() - started) };
}
