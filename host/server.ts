/**
 * The browser host: the venue app in Node, the built renderer served on
 * 127.0.0.1 only, and contract calls carried over a WebSocket guarded by a
 * per-launch token. A transport like the Electron shell's database process:
 * everything the app runs comes from the composition root (src/app), so the
 * tests that drive the host drive what ships. For tests, demos and `npm start`
 * on machines without Electron; never a production server.
 */
import { CONTENT_SECURITY_POLICY } from '../main/security';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { OPERATION_NAMES } from '../src/api/names';
import type { VenueEvent } from '../src/api/operation';
import { refusalReply, type Reply } from '../src/api/reply';
import { startVenueApp, type AppConnection, type VenueApp } from '../src/app/venue-app';
import { systemClock, type Clock } from '../src/common/time';
import type { VenueDb } from '../src/store/database';
import { DEFAULT_SCRYPT_COST, PassphraseKeyVault, type ScryptCost } from '../src/store/keyvault';
import type { SyncTransport, SyncTuning } from '../src/sync';
import { seedDemoIfNew } from './demo';
import { SHIM_PATH, SOCKET_PATH, shimSource } from './shim';
import { contentType, readStatic, resolveStaticFile } from './static';

export interface HostOptions {
  /** Folder for the database and its key vault; made when missing. */
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Wraps the database key (PassphraseKeyVault). */
  readonly passphrase: string;
  /** Seed the demo venue, staff and roster when the database is new. */
  readonly demo?: boolean;
  /** How sync reaches the central service (tests put a fault proxy here); the app's own by default. */
  readonly transport?: SyncTransport;
  readonly syncTuning?: Partial<SyncTuning>;
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
  /** The app the host carries (its runtime owns the database: backups, restore, recovery mode). */
  readonly app: VenueApp;
  /** The open database (it changes after a restore; null in recovery mode). */
  readonly db: VenueDb;
  /** A new line into the core, as a page gets (tests use it to set a scene). */
  connect(): AppConnection;
  /** Every line logged so far. */
  readonly logs: readonly string[];
  /** Pushes an event to every connected page. */
  broadcast(event: { readonly type: string; readonly id?: string }): void;
  close(): Promise<void>;
}

export const DEFAULT_RENDERER_DIR = resolve(import.meta.dirname, '../dist/renderer');
export const KEY_VAULT_FILE = 'venue-key.json';

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
  const connections = new Map<WebSocket, AppConnection>();
  let closing = false;
  const broadcast = (event: VenueEvent) => {
    // The type and the record id (a UUID) only: never a personal detail.
    const message = JSON.stringify({ event: { type: event.type, ...(typeof event.id === 'string' ? { id: event.id } : {}) } });
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(message);
  };
  const clock = options.clock ?? systemClock;
  const keys = await vaultKeys(options);
  if (options.demo && seedDemoIfNew({ dataDir: options.dataDir, ...keys, now: clock.now() })) {
    log('demo venue seeded (made-up roster and staff; sign-ins in the README)');
  }
  const app = startVenueApp({ dataDir: options.dataDir, ...keys, clock, transport: options.transport, syncTuning: options.syncTuning, log });
  keys.key.fill(0);
  keys.auditKey.fill(0);
  app.subscribe(broadcast);
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
    const connection = app.connect();
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
      connection.close();
      log(`page disconnected (${sockets.size} open)`);
    });
  }

  function handle(connection: AppConnection, text: string): string | null {
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
      reply = refusalReply('INTERNAL', { ja: '予期しないエラーが起きました。', en: 'Something unexpected went wrong.' });
    }
    // The name only if it is one of ours: a page could send anything at all.
    const name = (OPERATION_NAMES as readonly string[]).includes(op) ? op : '(unknown)';
    log(`call ${name} ${reply.ok ? 'ok' : `refused ${reply.error.code}`}`);
    return JSON.stringify({ id, reply });
  }

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (error) {
    // Nothing listens (the port is taken): the app closes again, so another try can open the database.
    wss.close();
    await app.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  let closed = false;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    app,
    get db(): VenueDb {
      const db = app.runtime.database;
      if (!db) throw new Error('the database is not open (recovery mode)');
      return db;
    },
    connect: () => app.connect(),
    logs,
    broadcast,
    async close() {
      if (closed) return;
      closed = true;
      closing = true;
      // The pages are cut off, then the app closes (sync, sessions, database) in its own order.
      for (const socket of sockets) socket.terminate();
      wss.close();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await app.close();
      log('closed');
    },
  };
}
