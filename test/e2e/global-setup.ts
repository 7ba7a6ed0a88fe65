/**
 * Builds the renderer once before the end-to-end files run, so they test
 * the sources as they are (never a stale dist/), exactly as the Electron app
 * and the host serve them.
 */
import { resolve } from 'node:path';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  const started = Date.now();
  await build({ configFile: resolve(import.meta.dirname, '../../renderer/vite.config.ts'), logLevel: 'warn' });
  console.log(`[e2e] renderer built in ${Date.now() - started} ms`);
}
