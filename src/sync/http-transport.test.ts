import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from './http-transport';
import { checkServerUrl, formatFingerprint, isLoopbackHost, normalizeFingerprint, TransportError } from './transport';

/** The real transport against small local servers; certificate pinning is tested end to end in test/sync/tls.test.ts. */
const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

async function serve(handler: http.RequestListener): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits += 1;
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('the HTTP transport', () => {
  it('refuses plain HTTP to another machine, and odd addresses, before connecting', async () => {
    const transport = createHttpTransport();
    expect((await failure(transport.send({ server: { url: 'http://10.0.0.5:8080', fingerprint: null }, method: 'GET', path: '/healthz', timeoutMs: 1_000 }))).code).toBe('INSECURE_URL');
    expect((await failure(transport.send({ server: { url: 'ftp://central', fingerprint: null }, method: 'GET', path: '/healthz', timeoutMs: 1_000 }))).code).toBe('BAD_URL');
    expect(checkServerUrl('https://user:pw@central.example.jp')).toBe('BAD_URL');
    expect(checkServerUrl('http://localhost:8080')).toBeNull();
    expect(checkServerUrl('http://[::1]:8080')).toBeNull();
    expect(isLoopbackHost('127.10.0.1')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  it('carries the JSON body and the credential, and gives the answer back', async () => {
    let seen: { auth?: string; type?: string; body: string } = { body: '' };
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { auth: req.headers.authorization, type: req.headers['content-type'], body };
        res.writeHead(409, { 'content-type': 'application/json' }).end('{"error":{"code":"X"}}');
      });
    });
    const answer = await createHttpTransport().send({ server: { url: server.url, fingerprint: null }, method: 'POST', path: '/v1/records', authorization: 'Bearer a.b', body: '{"records":[]}', timeoutMs: 2_000 });
    // The server's Date header comes back too: every exchange compares the desk's clock with it.
    expect(answer).toEqual({ status: 409, body: '{"error":{"code":"X"}}', fingerprint: null, serverDate: expect.any(String) });
    expect(Math.abs(Date.parse(answer.serverDate ?? '') - Date.now())).toBeLessThan(5_000);
    expect(seen).toEqual({ auth: 'Bearer a.b', type: 'application/json', body: '{"records":[]}' });
  });

  it('asks for gzip, unpacks a gzipped answer and its Retry-After, and holds the size limit for what it unpacks to', async () => {
    const page = JSON.stringify({ changes: Array.from({ length: 200 }, (_, i) => ({ seq: i, kind: 'person', data: { kana: 'ヤマダ タロウ', kanji: '山田 太郎' } })) });
    let asked = '';
    const server = await serve((req, res) => {
      asked = String(req.headers['accept-encoding'] ?? '');
      res.writeHead(req.url === '/busy' ? 429 : 200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'retry-after': '3' }).end(gzipSync(page));
    });
    const transport = createHttpTransport();
    const answer = await transport.send({ server: { url: server.url, fingerprint: null }, method: 'GET', path: '/v1/feed', timeoutMs: 2_000 });
    expect(asked).toContain('gzip');
    expect(answer.body).toBe(page);
    expect((await transport.send({ server: { url: server.url, fingerprint: null }, method: 'GET', path: '/busy', timeoutMs: 2_000 })).retryAfter).toBe('3');
    // Small when packed, too large unpacked: refused, not unpacked into memory.
    const small = createHttpTransport({ maxResponseBytes: 5_000 });
    expect((await failure(small.send({ server: { url: server.url, fingerprint: null }, method: 'GET', path: '/v1/feed', timeoutMs: 2_000 }))).code).toBe('RESPONSE_TOO_LARGE');
  });

  it('gives up on a server that never answers, and can be cancelled', async () => {
    let arrived = () => {};
    const server = await serve(() => arrived());
    const transport = createHttpTransport();
    const started = performance.now();
    expect((await failure(transport.send({ server: { url: server.url, fingerprint: null }, method: 'GET', path: '/v1/feed', timeoutMs: 200 }))).code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2_000);
    const controller = new AbortController();
    // Cancelled while the server holds it (the moment it arrives there), not after a guessed while.
    arrived = () => controller.abort();
    const pending = transport.send({ server: { url: server.url, fingerprint: null }, method: 'GET', path: '/v1/feed', timeoutMs: 10_000, signal: controller.signal });
    expect((await failure(pending)).code).toBe('ABORTED');
  });

  it('reports a server that is not there, a connection cut mid-answer, and an answer too large', async () => {
    const gone = await serve(() => {});
    const url = gone.url;
    // Closed, and known closed: the port refuses from the moment close() calls back.
    await new Promise<void>((done) => (servers.pop()?.close(() => done()) ?? done()));
    expect((await failure(createHttpTransport().send({ server: { url, fingerprint: null }, method: 'GET', path: '/', timeoutMs: 2_000 }))).code).toBe('UNREACHABLE');
    const cut = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      // Cut once the first part has gone out.
      res.write('partial', () => res.socket?.destroy());
    });
    expect((await failure(createHttpTransport().send({ server: { url: cut.url, fingerprint: null }, method: 'GET', path: '/', timeoutMs: 2_000 }))).code).toBe('UNREACHABLE');
    const big = await serve((_req, res) => res.end('x'.repeat(10_000)));
    expect((await failure(createHttpTransport({ maxResponseBytes: 1_000 }).send({ server: { url: big.url, fingerprint: null }, method: 'GET', path: '/', timeoutMs: 2_000 }))).code).toBe('RESPONSE_TOO_LARGE');
  });

  it('compares fingerprints however they are written', () => {
    const hex = 'ab'.repeat(32);
    expect(normalizeFingerprint(formatFingerprint(hex))).toBe(hex.toUpperCase());
    expect(formatFingerprint(hex).split(':')).toHaveLength(32);
  });
});
