/**
 * The browser host (ARCHITECTURE.md): the venue core in Node, the built
 * renderer served on 127.0.0.1 only, and contract calls carried over a
 * WebSocket guarded by a per-launch token. A test and demo harness for
 * machines without Electron, never a production server.
 */
import { CONTENT_SECURITY_POLICY } from '../../main/security';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Connection } from '../../src/api/connection';
import { OPERATION_NAMES } from '../../src/api/names';
import type { VenueEvent } from '../../src/api/operation';
import type { Reply } from '../../src/api/reply';
import { VenueRuntime } from '../../src/api/runtime';
import { systemClock, type Clock } from '../../src/common/time';
import { countStaff } from '../../src/staff/accounts';
import type { VenueDb } from '../../src/store/database';
import { DEFAULT_SCRYPT_COST, PassphraseKeyVault, type ScryptCost } from '../../src/store/keyvault';
import { seedDemoVenue } from '../support/venue';
import { SHIM_PATH, SOCKET_PATH, shimSource } from './shim';
import { contentType, readStatic, resolveStaticFile } from './static';
import { checkCentralAddress, startCentralSync, type HostSync } from './sync';

export interface HostOptions {
  /** Folder for the database and its key vault; made when missing. */
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Wraps the database key (PassphraseKeyVault). */
  readonly passphrase: string;
  /** Seed the demo venue, staff and roster when the database is new. */
  readonly demo?: boolean;
  /** The central service to sync with, e.g. http://127.0.0.1:8080. */
  readonly central?: string;
  /** The built renderer; defaults to dist/renderer. */
  readonly rendererDir?: string;
  readonly clock?: Clock;
  /** Where log lines go (operation names and outcomes only). Defaults to stdout. */
  readonly log?: (line: string) => void;
  /** Tests may use a cheaper scrypt; the default is the vault's own. */
  readonly scryptCost?: ScryptCost;
}

export interface RunningHost {
  /** The address to open, with the token: http://127.0.0.1:PORT/?token=… */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** The runtime that owns the database (backups, restore, recovery mode). */
  readonly runtime: VenueRuntime;
  /** The open database (it changes after a restore; null in recovery mode). */
  readonly db: VenueDb;
  /** A new line into the core, as a page gets (tests use it to set a scene). */
  connect(): Connection;
  /** Every line logged so far. */
  readonly logs: readonly string[];
  readonly sync: HostSync | null;
  /** Pushes an event to every connected page. */
  broadcast(event: { readonly type: string; readonly id?: string }): void;
  close(): Promise<void>;
}

export const DEFAULT_RENDERER_DIR = resolve(import.meta.dirname, '../../dist/renderer');
export const KEY_VAULT_FILE = 'venue-key.json';
/** How often the host checks whether today's backup is made. */
const BACKUP_CHECK_MS = 60 * 60_000;

/** Biggest message a page may send; a roster import is the largest real call. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()',
};

/**
 * The page's policy: the app's own (main/security.ts), sent as a header because frame-ancestors only works from a
 * header, and `sandbox` (headers only) without allow-popups keeps the page
 * from opening windows. allow-same-origin keeps the page's storage and its
 * WebSocket to this origin; allow-forms lets a form fire its submit event
 * (form-action 'none' still stops any real submission); allow-downloads lets
 * the supervisor save the CSV export, a Blob the page made itself (the page's
 * navigation guard lets only such downloads through).
 */
export const PAGE_CSP = `${CONTENT_SECURITY_POLICY}; sandbox allow-scripts allow-same-origin allow-forms allow-downloads`;

function equalToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function vaultKeys(options: HostOptions): Promise<{ key: Buffer; auditKey: Buffer }> {
  mkdirSync(options.dataDir, { recursive: true });
  const vault = new PassphraseKeyVault(join(options.dataDir, KEY_VAULT_FILE), options.passphrase, options.scryptCost ?? DEFAULT_SCRYPT_COST);
  return { key: await vault.getOrCreateKey(), auditKey: await vault.getOrCreateAuditKey() };
}

function injectShim(html: string): string {
  const tag = `<script src="${SHIM_PATH}"></script>`;
  const at = html.indexOf('<script');
  return at === -1 ? html.replace('</head>', `${tag}</head>`) : `${html.slice(0, at)}${tag}\n    ${html.slice(at)}`;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const logs: string[] = [];
  const sink = options.log ?? ((line: string) => console.log(line));
  const log = (line: string) => {
    const stamped = `[host] ${line}`;
    logs.push(stamped);
    sink(stamped);
  };
  const rendererDir = resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The renderer is not built (${rendererDir}/index.html is missing). Run \`npm run build:renderer\` first.`);
  }

  const sockets = new Set<WebSocket>();
  const connections = new Map<WebSocket, Connection>();
  let closing = false;
  const broadcast = (event: { readonly type: string; readonly id?: string }) => {
    // The type and the record id (a UUID) only: never a personal detail.
    const message = JSON.stringify({ event: { type: event.type, ...(typeof event.id === 'string' ? { id: event.id } : {}) } });
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(message);
  };
  let sync: HostSync | null = null;
  if (options.central) checkCentralAddress(options.central);
  const clock = options.clock ?? systemClock;
  const runtime = VenueRuntime.start({
    dataDir: options.dataDir,
    ...(await vaultKeys(options)),
    clock,
    onEvent: (event: VenueEvent) => {
      broadcast(event);
      sync?.nudge();
    },
    // Error names and messages only: inputs may hold personal data.
    onInternalError: (operation, error) => log(`internal error in ${operation}: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown'}`),
    afterOpen: (db) => {
      if (options.demo && countStaff(db) === 0) {
        seedDemoVenue(db, clock.now());
        log('demo venue seeded (made-up roster and staff; sign-ins in the README)');
      }
      if (options.central) sync = startCentralSync({ db, central: options.central, clock: options.clock, log, onApplied: (event) => broadcast(event) });
    },
    beforeClose: () => {
      void sync?.stop();
      sync = null;
    },
  });
  if (runtime.mode === 'recovery') log(`database cannot be opened (${runtime.recoveryProblem?.code ?? 'unknown'}): recovery mode`);
  const backup = () => {
    try {
      if (runtime.backupIfDue()) log("today's backup made");
    } catch (error) {
      log(`backup failed: ${error instanceof Error ? error.name : 'unknown'}`);
    }
  };
  backup();
  const backupTimer = setInterval(backup, BACKUP_CHECK_MS);
  backupTimer.unref();
  const token = randomBytes(32).toString('base64url');
  const shim = shimSource(OPERATION_NAMES);
  const indexHtml = injectShim((await readStatic(join(rendererDir, 'index.html'))).toString('utf8'));

  const server = createServer((request, response) => {
    void serve(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, SECURITY_HEADERS);
      response.end();
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostHeaderOk(request)) return plain(response, 421, 'Misdirected request');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'Method not allowed');
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/' || path === '/index.html') return send(response, 'text/html; charset=utf-8', indexHtml, { 'Content-Security-Policy': PAGE_CSP });
    if (path === SHIM_PATH) return send(response, 'text/javascript; charset=utf-8', shim);
    const file = await resolveStaticFile(rendererDir, path);
    if (!file) return plain(response, 404, 'Not found');
    const headers: Record<string, string> = file.endsWith('.html') ? { 'Content-Security-Policy': PAGE_CSP } : {};
    return send(response, contentType(file), await readStatic(file), headers);
  }

  function send(response: ServerResponse, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
    response.writeHead(200, { ...SECURITY_HEADERS, ...extra, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    response.end(response.req.method === 'HEAD' ? undefined : body);
  }

  function plain(response: ServerResponse, status: number, text: string): void {
    response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(text);
  }

  let origin = '';
  function hostHeaderOk(request: IncomingMessage): boolean {
    // DNS rebinding: only requests addressed to this very socket are served.
    return request.headers.host === origin.slice('http://'.length);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const refusal =
      url.pathname !== SOCKET_PATH ? 'wrong path'
      : !hostHeaderOk(request) ? 'wrong host'
      : request.headers.origin !== origin ? 'wrong origin'
      : !equalToken(url.searchParams.get('token') ?? '', token) ? 'wrong token'
      : null;
    if (refusal) {
      log(`socket refused: ${refusal}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const connection = runtime.connect();
    sockets.add(ws);
    connections.set(ws, connection);
    log(`page connected (${sockets.size} open)`);
    ws.on('message', (data, isBinary) => {
      const answer = isBinary ? null : handle(connection, data.toString());
      if (answer) ws.send(answer);
    });
    ws.on('close', () => {
      sockets.delete(ws);
      connections.delete(ws);
      if (closing) return;
      // A closed page leaves no live session behind.
      if (connection.signedIn) connection.call('signOut', {});
      log(`page disconnected (${sockets.size} open)`);
    });
  }

  function handle(connection: Connection, text: string): string | null {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return null;
    }
    if (typeof message !== 'object' || message === null) return null;
    const { id, op, input } = message as { id?: unknown; op?: unknown; input?: unknown };
    if (typeof id !== 'number' || typeof op !== 'string') return null;
    let reply: Reply<unknown>;
    try {
      reply = connection.call(op, input);
    } catch (error) {
      log(`internal error in ${op.slice(0, 40)}: ${error instanceof Error ? error.name : 'unknown'}`);
      reply = { ok: false, error: { code: 'INTERNAL', message: '予期しないエラーが起きました。', messageEn: 'Something unexpected went wrong.' } };
    }
    // The name only if it is one of ours: a page could send anything at all.
    const name = (OPERATION_NAMES as readonly string[]).includes(op) ? op : '(unknown)';
    log(`call ${name} ${reply.ok ? 'ok' : `refused ${reply.error.code}`}`);
    return JSON.stringify({ id, reply });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  let closed = false;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    runtime,
    get db(): VenueDb {
      const db = runtime.database;
      if (!db) throw new Error('the database is not open (recovery mode)');
      return db;
    },
    connect: () => runtime.connect(),
    logs,
    get sync() {
      return sync;
    },
    broadcast,
    async close() {
      if (closed) return;
      closed = true;
      closing = true;
      clearInterval(backupTimer);
      await sync?.stop();
      sync = null;
      // Sessions end with the host; then the pages are cut off.
      for (const connection of connections.values()) if (connection.signedIn) connection.call('signOut', {});
      for (const socket of sockets) socket.terminate();
      wss.close();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      runtime.close();
      log('closed');
    },
  };
}
