import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { gunzip } from 'node:zlib';
import {
  checkServerUrl,
  normalizeFingerprint,
  TransportError,
  type SyncTransport,
  type TransportRequest,
  type TransportResponse,
} from './transport';

export interface HttpTransportOptions {
  /** Largest response accepted; a feed page is a few MB. Default 64 MiB. */
  readonly maxResponseBytes?: number;
  /** Connections kept per server. Default 4 (a long-poll, an upload, a prefetched page). */
  readonly maxSockets?: number;
}

/**
 * An HTTPS agent that checks the server certificate's SHA-256 fingerprint
 * before the request is written: the socket is handed to the HTTP layer only
 * once the fingerprint matches, so a device credential never goes to a
 * server with another certificate. Chain and host-name checks are replaced by
 * the pin (central services usually have self-signed certificates).
 */
class PinnedAgent extends https.Agent {
  constructor(
    private readonly expected: string | null,
    keepAlive: boolean,
    maxSockets: number,
  ) {
    super({ keepAlive, maxSockets, rejectUnauthorized: false });
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = options.hostname ?? options.host ?? 'localhost';
    const socket = tls.connect({
      host,
      port: Number(options.port ?? 443),
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const onError = (error: Error) => callback?.(error, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      const seen = socket.getPeerCertificate().fingerprint256;
      if (this.expected !== null && (!seen || normalizeFingerprint(seen) !== normalizeFingerprint(this.expected))) {
        const error = new TransportError('FINGERPRINT_MISMATCH', 'the server certificate is not the one this device enrolled with');
        socket.destroy();
        callback?.(error, socket);
        return;
      }
      callback?.(null, socket);
    });
    // The socket is handed over through the callback, after the check.
    return undefined;
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'ETIMEDOUT', 'HPE_INVALID_CONSTANT', 'HPE_INVALID_STATUS', 'HPE_INVALID_VERSION']);

function asTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (UNREACHABLE_CODES.has(code) || code.startsWith('HPE_') || (error instanceof Error && /socket hang up|aborted/i.test(error.message))) {
    return new TransportError('UNREACHABLE', `the central service could not be reached (${code || 'connection lost'})`, { cause: error });
  }
  return new TransportError('UNREACHABLE', `the central service could not be reached (${error instanceof Error ? error.message : String(error)})`, { cause: error });
}

/**
 * The real transport: node:http on loopback, node:https elsewhere, with the
 * certificate fingerprint pinned. Plain HTTP to another machine is refused
 * before anything is sent.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): SyncTransport {
  const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const maxSockets = options.maxSockets ?? 4;
  const agents = new Map<string, http.Agent>();

  function agentFor(url: URL, fingerprint: string | null): http.Agent {
    const key = `${url.origin}|${fingerprint === null ? '' : normalizeFingerprint(fingerprint)}`;
    let agent = agents.get(key);
    if (!agent) {
      // First contact (no pin yet) gets a one-off connection: nothing is kept from it but the fingerprint.
      agent = url.protocol === 'https:' ? new PinnedAgent(fingerprint, fingerprint !== null, maxSockets) : new http.Agent({ keepAlive: true, maxSockets });
      if (fingerprint !== null || url.protocol === 'http:') agents.set(key, agent);
    }
    return agent;
  }

  function send(request: TransportRequest): Promise<TransportResponse> {
    const problem = checkServerUrl(request.server.url);
    if (problem === 'INSECURE_URL') {
      return Promise.reject(new TransportError('INSECURE_URL', 'plain HTTP is allowed to this machine (loopback) only; use https://'));
    }
    if (problem) return Promise.reject(new TransportError('BAD_URL', 'the central service address is not a valid http(s) URL'));
    const base = new URL(request.server.url);
    const target = new URL(request.path, base);
    const secure = target.protocol === 'https:';
    // Long-poll answers come gzipped when large (every desk receives every change of its municipality's people).
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json', 'accept-encoding': 'gzip' };
    if (request.authorization) headers.authorization = request.authorization;
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = body.length;
    }

    return new Promise<TransportResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: TransportError | null, response?: TransportResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else if (response) resolve(response);
      };
      const req = (secure ? https : http).request({
        method: request.method,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || (secure ? 443 : 80),
        path: `${target.pathname}${target.search}`,
        headers,
        agent: agentFor(base, request.server.fingerprint),
      });
      const timer = setTimeout(() => {
        req.destroy();
        finish(new TransportError('TIMEOUT', `no answer within ${request.timeoutMs} ms`));
      }, request.timeoutMs);
      const onAbort = () => {
        req.destroy();
        finish(new TransportError('ABORTED', 'the request was cancelled'));
      };
      if (request.signal?.aborted) {
        onAbort();
        return;
      }
      request.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => finish(asTransportError(error)));
      req.on('response', (res) => {
        const socket = res.socket as tls.TLSSocket | null;
        const fingerprint = secure && socket && typeof socket.getPeerCertificate === 'function' ? (socket.getPeerCertificate().fingerprint256 ?? null) : null;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            finish(new TransportError('RESPONSE_TOO_LARGE', `the answer is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        const retryAfter = res.headers['retry-after'];
        const answered = (body: Buffer) =>
          finish(null, { status: res.statusCode ?? 0, body: body.toString('utf8'), fingerprint, serverDate: res.headers.date ?? null, ...(retryAfter ? { retryAfter } : {}) });
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          if (res.headers['content-encoding'] !== 'gzip') return answered(raw);
          // The size limit holds for what it unpacks to as well.
          gunzip(raw, { maxOutputLength: maxBytes }, (error, body) => {
            if (!error) return answered(body);
            if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
              finish(new TransportError('RESPONSE_TOO_LARGE', `the answer is larger than ${maxBytes} bytes`));
            } else finish(asTransportError(error));
          });
        });
        res.on('error', (error) => finish(asTransportError(error)));
        res.on('close', () => {
          if (!res.complete) finish(new TransportError('UNREACHABLE', 'the connection was lost during the answer'));
        });
      });
      req.end(body);
    });
  }

  return {
    send,
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
