import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { procMemory } from '../proc-memory';

/**
 * The central service processes of the bench: this checkout's code, or an
 * earlier commit's (extracted with `git archive` into a temp folder: the
 * working tree and the repository are left alone), each bundled once with
 * esbuild around test/bench/central/serve.ts.
 */
export const REPO = resolve(import.meta.dirname, '../../..');

/** The code a run measures: a folder with server/ and src/. */
export interface CodeTree {
  readonly label: string;
  readonly root: string;
  /** An older tree's last central migration: its database copy is marked at that version (the later migrations only add tables and columns, which it ignores). */
  readonly schemaVersion?: number;
}

/** This checkout. */
export const CURRENT: CodeTree = { label: 'new', root: REPO };

/**
 * An earlier commit's server/ and src/ in a temp folder (node_modules linked
 * to this checkout's), or null with the reason when the clone does not have it.
 */
export function extractCommit(ref: string): { tree: CodeTree; remove(): void } | { tree: null; reason: string } {
  let commit: string;
  try {
    commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return { tree: null, reason: `commit ${ref} is not in this clone` };
  }
  const root = mkdtempSync(join(tmpdir(), 'venue-bench-baseline-'));
  const archive = execFileSync('git', ['archive', commit, 'server', 'src', 'package.json'], { cwd: REPO, maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  const versions = [...readFileSync(join(root, 'server/migrations.ts'), 'utf8').matchAll(/^\s+version: (\d+),$/gm)].map((m) => Number(m[1]));
  const schemaVersion = Math.max(0, ...versions);
  return { tree: { label: `old (${commit.slice(0, 7)})`, root, schemaVersion }, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const EXTERNAL = ['@electric-sql/pglite', 'pg', 'pg-native', '@node-rs/argon2', 'fastify', 'better-sqlite3-multiple-ciphers'];
const bundles = new Map<string, Promise<string>>();

/** serve.ts bundled against a tree's server (once per tree). */
function bundleFor(tree: CodeTree): Promise<string> {
  let made = bundles.get(tree.root);
  if (!made) {
    made = (async () => {
      const outfile = join(mkdtempSync(join(tmpdir(), 'venue-bench-serve-')), 'serve.cjs');
      await build({
        entryPoints: [join(REPO, 'test/bench/central/serve.ts')],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        outfile,
        external: EXTERNAL,
        logLevel: 'error',
        plugins: [
          {
            name: 'server-of-tree',
            setup(b) {
              b.onResolve({ filter: /\/server\/server$/ }, () => ({ path: join(tree.root, 'server/server.ts') }));
            },
          },
        ],
      });
      return outfile;
    })();
    bundles.set(tree.root, made);
  }
  return made;
}

/** A bundled program of this checkout (the pollers). */
export async function bundleProgram(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'venue-bench-prog-')), 'program.cjs');
  await build({ entryPoints: [join(REPO, entry)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, external: EXTERNAL, logLevel: 'error' });
  return outfile;
}

export function bundleEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_PATH: join(REPO, 'node_modules') };
}

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The process's counters (null for code without them). */
  stats(): Promise<unknown>;
  /** Highest resident memory of the process so far, bytes. */
  peakRss(): number;
  stop(): Promise<void>;
}

export async function startService(tree: CodeTree, databaseUrl: string, options: { poolSize?: number } = {}): Promise<ServiceProcess> {
  const script = await bundleFor(tree);
  const args = [script, '--database-url', databaseUrl];
  if (options.poolSize) args.push('--pool-size', String(options.poolSize));
  // VENUE_BENCH_CPU_PROF=<folder>: each service process writes a V8 CPU profile there when it stops.
  const profile = process.env.VENUE_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.VENUE_BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, ['--expose-gc', ...profile, ...args], { cwd: tree.root, env: bundleEnv(), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the service did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /READY (\S+)/.exec(out);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolveUrl(ready[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before it was ready: ${stderr}`));
    });
  });
  let peak = 0;
  const pid = child.pid ?? 0;
  return {
    url,
    child,
    stats: () =>
      new Promise((resolveStats) => {
        const onMessage = (message: unknown) => {
          child.off('message', onMessage);
          resolveStats((message as { stats: unknown }).stats);
        };
        child.on('message', onMessage);
        child.send('stats');
      }),
    peakRss() {
      peak = Math.max(peak, procMemory(pid)?.hwm ?? 0);
      return peak;
    },
    async stop() {
      peak = Math.max(peak, procMemory(pid)?.hwm ?? 0);
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export function hasTree(tree: CodeTree): boolean {
  return existsSync(join(tree.root, 'server/server.ts'));
}
