import { randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { systemClock, type Clock } from '../src/common/time';
import { formatFingerprint, isLoopbackHost } from '../src/sync/transport';
import { buildCentralApp } from './app';
import { runAdminCommand } from './cli/commands';
import { openCentralDb, type CentralDb } from './db';
import { FeedWatch, type FeedWatchOptions, type FeedWatchStats } from './feed-watch';
import { UploadGate, type UploadGateStats } from './upload-gate';
import { analyze } from './roster';

export interface StartOptions {
  /** The data folder: PGlite's database (unless databaseUrl), and admin.json while running. */
  readonly dataDir: string | null;
  /** postgres://…; without it the embedded PGlite in <dataDir>/pglite is used. */
  readonly databaseUrl?: string | null;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** PEM certificate and key: HTTPS. Without them only loopback hosts are allowed. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | null;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
  /** PostgreSQL: connections this process keeps (README, "Several processes on one PostgreSQL"). */
  readonly poolSize?: number;
  /** Uploads storing at once in this process (default: the pool size less 4); more wait (up to 2 s) or are answered 429. */
  readonly uploadSlots?: number;
  readonly feed?: FeedWatchOptions;
}

export interface ServerStats {
  readonly feed: FeedWatchStats;
  readonly uploads: UploadGateStats;
  /** Since the last call: how long the process held a change for a device waiting for it (from the later of its notice and the long-poll to the answer leaving; the service's part of cross-desk propagation). */
  readonly delivery: { readonly samples: number; readonly p50Ms: number; readonly p95Ms: number };
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** SHA-256 of the certificate (AB:CD:…), for the administrator to give to venues; null over plain HTTP. */
  readonly fingerprint: string | null;
  readonly db: CentralDb;
  readonly adminPort: number | null;
  /** Counters of the long-polls and uploads this process has handled. */
  stats(): ServerStats;
  close(): Promise<void>;
}

/** Where a running server tells the admin command line how to reach it (mode 0600: the data folder's owner is the administrator). */
export function adminFile(dataDir: string): string {
  return join(dataDir, 'admin.json');
}

export interface AdminEndpoint {
  readonly pid: number;
  readonly port: number;
  readonly token: string;
  readonly url: string;
  readonly fingerprint: string | null;
}

export class InsecureListen extends Error {
  constructor(host: string) {
    super(`refusing to listen on ${host} without TLS: plain HTTP is allowed on loopback only. Give --cert and --key, or listen on 127.0.0.1.`);
    this.name = 'InsecureListen';
  }
}

/**
 * Admin commands while the server runs: PGlite belongs to one process, so the
 * command line sends its arguments here (127.0.0.1 only, with the token from
 * admin.json) and the server runs them on its own connection.
 */
function startAdminEndpoint(db: CentralDb, clock: Clock, fingerprint: string | null, token: string): Promise<http.Server> {
  const expected = Buffer.from(token);
  const server = http.createServer((request, response) => {
    const given = Buffer.from(String(request.headers['x-admin-token'] ?? ''));
    if (request.method !== 'POST' || request.url !== '/admin/run' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      response.writeHead(403).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1_000_000) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      void (async () => {
        try {
          const { argv, stdin } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { argv: string[]; stdin: string };
          const result = await runAdminCommand({ db, clock, fingerprint }, argv, stdin ?? '');
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ code: result.code, stdout: result.stdout.toString('base64'), stderr: result.stderr.toString('base64') }));
        } catch (error) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ code: 1, stdout: '', stderr: Buffer.from(`error: ${error instanceof Error ? error.message : String(error)}\n`).toString('base64') }));
        }
      })();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export async function startCentralServer(options: StartOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!options.tls && !isLoopbackHost(host)) throw new InsecureListen(host);
  const clock = options.clock ?? systemClock;
  const fingerprint = options.tls ? formatFingerprint(new X509Certificate(options.tls.cert).fingerprint256) : null;
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = await openCentralDb({ dataDir: options.dataDir, databaseUrl: options.databaseUrl ?? null, poolSize: options.poolSize });
  let watch: FeedWatch | null = null;
  let admin: http.Server | null = null;
  try {
    // Statistics may be missing after a restart of PGlite (no autovacuum there): refresh them once.
    await analyze(db);
    watch = await FeedWatch.start(db, options.feed);
    // A few connections stay free for long-polls' reads and device lookups.
    const uploads = new UploadGate({ concurrency: options.uploadSlots ?? Math.max(1, (options.poolSize ?? 10) - 4) });
    const app = buildCentralApp({ db, watch, uploads, clock, https: options.tls ?? null, log: options.log });
    await app.listen({ host, port: options.port ?? 0 });
    const port = (app.server.address() as AddressInfo).port;
    const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    let adminPort: number | null = null;
    if (options.dataDir) {
      const token = randomBytes(32).toString('base64url');
      admin = await startAdminEndpoint(db, clock, fingerprint, token);
      adminPort = (admin.address() as AddressInfo).port;
      const endpoint: AdminEndpoint = { pid: process.pid, port: adminPort, token, url, fingerprint };
      writeFileSync(adminFile(options.dataDir), JSON.stringify(endpoint), { mode: 0o600 });
    }
    const openAdmin = admin;
    const openWatch = watch;
    let closing: Promise<void> | null = null;
    return {
      url,
      port,
      fingerprint,
      db,
      adminPort,
      stats: () => ({ feed: { ...openWatch.stats }, uploads: { ...uploads.stats }, delivery: openWatch.takeDeliveryTimes() }),
      close() {
        closing ??= (async () => {
          if (options.dataDir && existsSync(adminFile(options.dataDir))) {
            const current = JSON.parse(readFileSync(adminFile(options.dataDir), 'utf8')) as AdminEndpoint;
            if (current.pid === process.pid && current.port === adminPort) rmSync(adminFile(options.dataDir), { force: true });
          }
          await new Promise<void>((resolve) => (openAdmin ? openAdmin.close(() => resolve()) : resolve()));
          await openWatch.close();
          await app.close();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    admin?.close();
    await watch?.close();
    await db.close();
    throw error;
  }
}
