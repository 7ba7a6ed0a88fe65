/**
 * The browser host's own guards, without a browser: 127.0.0.1 only, the
 * per-launch token, the Origin and Host checks, path traversal, and logs
 * that carry operation names and outcomes but never what was sent.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OPERATION_NAMES } from '../src/api/names';
import { DEMO_STAFF, DEMO_TICKETS, ticketLine } from '../test/fixtures/demo';
import { startHost, type RunningHost } from './server';
import { SHIM_PATH, SOCKET_PATH } from './shim';

let dir: string;
let host: RunningHost;
const logged: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'venue-host-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><html><head><script type="module" src="./assets/app.js"></script></head><body></body></html>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, 'secret.txt'), 'SECRET OUTSIDE THE RENDERER');
  symlinkSync(join(dir, 'secret.txt'), join(renderer, 'assets', 'link.txt'));
  host = await startHost({
    dataDir: join(dir, 'data'),
    port: 0,
    passphrase: 'host-test-passphrase',
    demo: true,
    rendererDir: renderer,
    scryptCost: { N: 2 ** 14, r: 8, p: 1 },
    log: (line) => logged.push(line),
  });
});

afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(options: { token?: string; origin?: string; host?: string } = {}): Promise<WebSocket> {
  const token = options.token ?? host.token;
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${SOCKET_PATH}?token=${encodeURIComponent(token)}`, {
    origin: options.origin ?? host.origin,
    headers: options.host ? { Host: options.host } : {},
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
  });
}

/** Request ids: a counter, so runs are alike. */
let nextCallId = 0;

function call(ws: WebSocket, op: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  const id = (nextCallId += 1);
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; reply?: { ok: boolean; error?: { code: string } } };
      if (message.id === id && message.reply) {
        ws.off('message', onMessage);
        resolve(message.reply);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, op, input }));
  });
}

describe('the browser host', () => {
  it('listens on 127.0.0.1 only and prints an address with a long random token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('serves the page with the shim injected before the app, and a strict policy', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body.indexOf(SHIM_PATH)).toBeGreaterThan(-1);
    expect(page.body.indexOf(SHIM_PATH)).toBeLessThan(page.body.indexOf('./assets/app.js'));
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const shim = await get(SHIM_PATH);
    expect(shim.headers['content-type']).toContain('javascript');
    for (const name of OPERATION_NAMES) expect(shim.body).toContain(`"${name}"`);
    expect(shim.body).not.toContain(host.token);
  });

  it('refuses paths that leave the renderer folder, however they are spelled', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%5c%2e%2e%5csecret.txt', '/assets/link.txt', '/assets/app.js%00.html', '/..%252fsecret.txt']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('SECRET');
    }
    expect((await get('/assets/app.js')).status).toBe(200);
  });

  it('answers only GET and HEAD, and only for its own Host (no DNS rebinding)', async () => {
    expect((await get('/', {}, 'POST')).status).toBe(405);
    expect((await get('/', { Host: 'evil.example:80' })).status).toBe(421);
    expect((await get('/', {}, 'HEAD')).status).toBe(200);
  });

  it('refuses a socket without the token, with a wrong token, from another origin or for another host', async () => {
    await expect(connect({ token: '' })).rejects.toThrow(/403/);
    await expect(connect({ token: 'x'.repeat(43) })).rejects.toThrow(/403/);
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect({ origin: 'null' })).rejects.toThrow(/403/);
    await expect(connect({ host: `localhost:${host.port}` })).rejects.toThrow(/403/);
    const refusals = logged.filter((line) => line.includes('socket refused'));
    expect(refusals.length).toBeGreaterThanOrEqual(5);
    expect(refusals.join('\n')).not.toContain('x'.repeat(43));
  });

  it('carries contract calls for a page with the token, one session per socket', async () => {
    const a = await connect();
    const b = await connect();
    try {
      const signIn = await call(a, 'signIn', { login: DEMO_STAFF.reception.login, password: DEMO_STAFF.reception.password });
      expect(signIn.ok).toBe(true);
      // The session token stays in the host: the page never sees it.
      expect(JSON.stringify(signIn)).not.toMatch(/"token"/);
      expect((await call(a, 'whoAmI', {})).ok).toBe(true);
      expect((await call(b, 'whoAmI', {})).error?.code).toBe('NOT_SIGNED_IN');
      expect((await call(a, 'noSuchOperation', {})).error?.code).toBe('UNKNOWN_OPERATION');
    } finally {
      a.close();
      b.close();
    }
  });

  it('pushes committed events to every page', async () => {
    const a = await connect();
    const b = await connect();
    try {
      const events: string[] = [];
      b.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { event?: { type: string } };
        if (message.event) events.push(message.event.type);
      });
      await call(a, 'signIn', { login: DEMO_STAFF.reception.login, password: DEMO_STAFF.reception.password });
      const checkIn = await call(a, 'checkIn', { municipality: '131016', number: DEMO_TICKETS.okSecond });
      expect(checkIn.ok).toBe(true);
      await expect.poll(() => events).toContain('checkin');
    } finally {
      a.close();
      b.close();
    }
  });

  it('logs operation names and outcomes, never what was sent', async () => {
    const ws = await connect();
    try {
      await call(ws, 'signIn', { login: DEMO_STAFF.nurse.login, password: 'wrong-password-xyz' });
      await call(ws, 'signIn', { login: DEMO_STAFF.nurse.login, password: DEMO_STAFF.nurse.password });
      await call(ws, 'scanTicket', { code: ticketLine(DEMO_TICKETS.ok) });
    } finally {
      ws.close();
    }
    const all = logged.join('\n');
    expect(all).toContain('call signIn refused WRONG_CREDENTIALS');
    expect(all).toContain('call scanTicket ok');
    for (const secret of ['wrong-password-xyz', DEMO_STAFF.nurse.password, DEMO_TICKETS.ok, DEMO_STAFF.nurse.login, '山田']) expect(all).not.toContain(secret);
  });
});
