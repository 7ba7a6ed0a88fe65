/**
 * The browser host as a child process of the bench (host-runner.ts), so its
 * memory is its own and its event loop is not shared with Playwright's client.
 * Bundled once with esbuild into one CommonJS file, as the central service is
 * for the sync tests (test/sync/support/server-process.ts), and run with
 * `node --expose-gc`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleEnv } from '../sync/support/server-process';
import type { HostAnswer, HostMemory, HostMessage, HostRequest } from './host-protocol';

const ROOT = resolve(import.meta.dirname, '../..');

let bundled: Promise<string> | null = null;

function bundleRunner(): Promise<string> {
  bundled ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'venue-bench-host-')), 'host-runner.cjs');
    await build({
      entryPoints: [join(ROOT, 'test/bench/host-runner.ts')],
      bundle: true,
      platform: 'node',
      // CommonJS, so NODE_PATH finds the external packages from a temp folder.
      format: 'cjs',
      target: 'node20',
      outfile,
      // Native packages load their binaries relative to themselves; ws has optional native helpers.
      external: ['better-sqlite3-multiple-ciphers', '@node-rs/argon2', 'ws', 'bufferutil', 'utf-8-validate', 'pdfkit'],
      // The one import.meta in the host (its default renderer folder); the runner passes the folder anyway.
      define: { 'import.meta.dirname': JSON.stringify(join(ROOT, 'host')) },
      logLevel: 'error',
    });
    return outfile;
  })();
  return bundled;
}

export interface HostProcessOptions {
  readonly dataDir: string;
  /** Seed the demo venue, staff and roster. */
  readonly demo?: boolean;
  readonly log?: (line: string) => void;
}

export interface HostProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  stats(): Promise<HostMemory>;
  /** A full GC in the host, then its stats. */
  gc(): Promise<HostMemory>;
  /** Moves the host's clock on (simulated time). */
  advance(ms: number): Promise<void>;
  people(): Promise<number>;
  stop(): Promise<void>;
}

/** A request before it is given its id (Omit over each member of the union). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

type Waiting = { resolve: (answer: HostAnswer) => void; reject: (error: Error) => void };

export async function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const script = await bundleRunner();
  const args = ['--data', options.dataDir, '--renderer', join(ROOT, 'dist/renderer')];
  if (options.demo) args.push('--demo');
  const child = fork(script, args, { cwd: ROOT, env: bundleEnv(), execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const log = options.log ?? (() => {});
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  const url = await new Promise<string>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host did not start in 60 s: ${stderr}`)), 60_000);
    child.on('message', (message: HostMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolveReady(message.url);
      } else if (message.type === 'failed' && message.id === undefined) {
        clearTimeout(timer);
        reject(new Error(`the host failed to start: ${message.message} ${stderr}`));
      } else if ('id' in message && message.id !== undefined) {
        const waiter = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.type === 'failed') waiter?.reject(new Error(message.message));
        else waiter?.resolve(message);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited (${code}): ${stderr}`));
      for (const waiter of waiting.values()) waiter.reject(new Error(`the host exited (${code}): ${stderr}`));
      waiting.clear();
    });
  });

  const ask = (request: Unnumbered<HostRequest>): Promise<HostAnswer> =>
    new Promise((resolveAnswer, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolveAnswer, reject });
      child.send({ ...request, id } as HostRequest);
    });
  const memoryOf = (answer: HostAnswer): HostMemory => {
    if (answer.type !== 'stats') throw new Error(`expected stats, got ${answer.type}`);
    return answer.memory;
  };

  let stopped = false;
  return {
    url,
    pid: child.pid ?? 0,
    child,
    stats: async () => memoryOf(await ask({ type: 'stats' })),
    gc: async () => memoryOf(await ask({ type: 'gc' })),
    advance: async (ms) => {
      await ask({ type: 'advance', ms });
    },
    people: async () => {
      const answer = await ask({ type: 'people' });
      if (answer.type !== 'people') throw new Error(`expected people, got ${answer.type}`);
      return answer.people;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        // The host closes its database properly, then the process goes.
        await ask({ type: 'stop' }).catch(() => undefined);
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}
