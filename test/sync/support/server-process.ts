import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * The central service as a child process, so tests can kill it (SIGKILL)
 * mid-sync and start it again on the same data folder. Bundled once with
 * esbuild (starting through tsx would add a second per start).
 */
const bundles = new Map<string, Promise<string>>();

/** A program of server/ bundled into one CommonJS file (once per test process). */
export function bundle(entry: 'server/main.ts' | 'server/cli/admin.ts'): Promise<string> {
  let made = bundles.get(entry);
  if (!made) {
    made = (async () => {
      const outdir = mkdtempSync(join(tmpdir(), 'venue-server-bundle-'));
      const outfile = join(outdir, `${entry.replace(/[/.]/g, '-')}.cjs`);
      await build({
        entryPoints: [join(import.meta.dirname, '../../..', entry)],
        bundle: true,
        platform: 'node',
        // CommonJS, so NODE_PATH finds the external packages from a temp folder.
        format: 'cjs',
        target: 'node20',
        outfile,
        // Native and WebAssembly packages load their files relative to themselves.
        external: ['@electric-sql/pglite', 'pg', 'pg-native', '@node-rs/argon2', 'fastify', 'better-sqlite3-multiple-ciphers'],
        logLevel: 'error',
      });
      return outfile;
    })();
    bundles.set(entry, made);
  }
  return made;
}

export const serverBundle = () => bundle('server/main.ts');

/** Environment for a bundled program: the repository's node_modules. */
export function bundleEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_PATH: join(import.meta.dirname, '../../../node_modules') };
}

export interface ServerProcessOptions {
  readonly dataDir: string;
  readonly databaseUrl?: string | null;
  /** Fixed port (a restart keeps its address); 0 picks one. */
  readonly port?: number;
  readonly cert?: string;
  readonly key?: string;
}

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** SIGKILL: no goodbye, no flush. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const script = await serverBundle();
  const args = [script, '--data', options.dataDir, '--port', String(options.port ?? 0), '--quiet'];
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  if (options.cert && options.key) args.push('--cert', options.cert, '--key', options.key);
  const child = spawn(process.execPath, args, {
    cwd: join(import.meta.dirname, '../../..'),
    env: bundleEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /READY (\S+)/.exec(out);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it was ready: ${stderr}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
