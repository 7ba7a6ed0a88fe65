/**
 * How the sync service reaches the central service. Injected, so tests can
 * put a fault-injecting proxy in between and the Electron shell can choose
 * its own networking; createHttpTransport (http-transport.ts) is the real one.
 */

export interface ServerAddress {
  /** Base URL, e.g. https://central.example.jp:8443 or http://127.0.0.1:8080 (plain HTTP on loopback only). */
  readonly url: string;
  /**
   * SHA-256 fingerprint of the server certificate kept from enrollment
   * (AB:CD:… or plain hex). Null only on first contact, when enrolling
   * without a fingerprint given by the administrator: the one seen is reported back.
   */
  readonly fingerprint: string | null;
}

export interface TransportRequest {
  readonly server: ServerAddress;
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. /v1/feed?after=12. */
  readonly path: string;
  /** The Authorization header value, for device calls. */
  readonly authorization?: string;
  /** A JSON text. */
  readonly body?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface TransportResponse {
  readonly status: number;
  readonly body: string;
  /** The certificate fingerprint the connection was made with (https), else null. */
  readonly fingerprint: string | null;
  /** The answer's Date header (the central service's clock), when it sent one. */
  readonly serverDate?: string | null;
  /** The Retry-After header of a busy answer (429 or 503), when there was one. */
  readonly retryAfter?: string;
}

export interface SyncTransport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Closes idle connections. */
  close?(): void;
}

export type TransportErrorCode =
  /** Nothing answered: refused, reset, unreachable, DNS. */
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'ABORTED'
  /** The server's certificate is not the one kept from enrollment. Nothing was sent. */
  | 'FINGERPRINT_MISMATCH'
  /** Plain HTTP to a host that is not this machine. Nothing was sent. */
  | 'INSECURE_URL'
  | 'BAD_URL'
  | 'RESPONSE_TOO_LARGE';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** Fingerprints compare without colons or case: AB:CD… and abcd… are the same. */
export function normalizeFingerprint(value: string): string {
  return value.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}

/** The usual way to show one: AB:CD:EF:… */
export function formatFingerprint(value: string): string {
  return (normalizeFingerprint(value).match(/.{2}/g) ?? []).join(':');
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Null when the URL is fine for talking to the central service; else why not. */
export function checkServerUrl(url: string): 'BAD_URL' | 'INSECURE_URL' | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'BAD_URL';
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return 'BAD_URL';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:') return isLoopbackHost(parsed.hostname) ? null : 'INSECURE_URL';
  return 'BAD_URL';
}
