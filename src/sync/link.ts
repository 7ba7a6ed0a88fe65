import type { StaffText } from '../common/messages';
import { StaffRefusal } from '../common/refusal';
import type { Clock } from '../common/time';
import type { VenueDb } from '../store/database';
import { FeedDataError } from './apply';
import { noteServerTime } from './clock';
import { syncMessage } from './messages';
import { bearer, readRefusal } from './protocol';
import { markFailure, markSuccess, type SyncIdentity } from './state';
import { TransportError, type SyncTransport, type TransportResponse } from './transport';
import type { SyncTuning } from './tuning';

/** A promise that a wake() or a timeout ends. */
export class Waker {
  private pending: (() => void) | null = null;
  private early = false;

  wait(ms: number): Promise<void> {
    if (this.early) {
      this.early = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.pending === done) this.pending = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending = done;
    });
  }

  /** Ends the current wait, or the next one at once. */
  wake(): void {
    if (this.pending) this.pending();
    else this.early = true;
  }
}

/**
 * An answer of the central service other than 200, as a refusal: its status, its code, the words
 * for this desk's staff (the device's own for codes it knows, which say what to do at a desk; else
 * the service's, read from the one wire shape) and a busy server's Retry-After.
 */
export class ServerAnswer extends StaffRefusal {
  constructor(
    readonly status: number,
    code: string,
    /** A busy server's Retry-After, in ms (0 when it gave none). */
    readonly retryAfterMs = 0,
    fromServer: StaffText | null = null,
  ) {
    super(code, syncMessage(code, fromServer));
  }
}

/** Retry-After in seconds (what the central service sends), as ms; at most a minute, whatever a server says. */
function retryAfterMs(response: TransportResponse): number {
  const seconds = Number(response.retryAfter);
  return (response.status === 429 || response.status === 503) && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 0;
}

/** Every answer other than 200 is read here, through the protocol's one refusal reader. */
export function answerError(response: TransportResponse): ServerAnswer {
  const read = readRefusal(response.body);
  const code = read?.code ?? (response.status >= 500 ? 'SERVER_ERROR' : `HTTP_${response.status}`);
  return new ServerAnswer(response.status, code, retryAfterMs(response), read?.refusal?.message ?? null);
}

export function errorCode(error: unknown): string {
  if (error instanceof TransportError) return error.code;
  if (error instanceof ServerAnswer) return error.code;
  if (error instanceof FeedDataError) return 'FEED_INVALID';
  return 'PROTOCOL';
}

export const sleepTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * What the parts of the sync service share (service.ts wires them): the
 * database, the transport and the clock, whether the service is stopping,
 * the wakers that end their waits early, and one way to call the central
 * service and to note how the call went.
 */
export class SyncLink {
  readonly controller = new AbortController();
  readonly enrollWaker = new Waker();
  readonly uploadWork = new Waker();
  readonly uploadRetry = new Waker();
  readonly downloadRetry = new Waker();
  stopped = false;
  uploadFailing = false;
  private online: boolean | null = null;
  private lastSuccessWrite = 0;

  constructor(
    readonly db: VenueDb,
    readonly transport: SyncTransport,
    readonly clock: Clock,
    readonly tuning: SyncTuning,
    private readonly onError: ((error: unknown) => void) | undefined,
  ) {}

  /** Unexpected errors (bugs), for the log. */
  report(error: unknown): void {
    try {
      this.onError?.(error);
    } catch {
      // A broken logger must not stop sync.
    }
  }

  success(): void {
    const now = this.clock.now();
    // Written on the way back online, then at most every 5 s: each write is a disk sync.
    if (this.online !== true || now.getTime() - this.lastSuccessWrite >= 5_000) {
      markSuccess(this.db, now);
      this.lastSuccessWrite = now.getTime();
    }
    if (this.online !== true && this.uploadFailing) this.uploadRetry.wake();
    this.online = true;
  }

  failure(error: unknown): void {
    if (this.stopped) return;
    if (!(error instanceof TransportError || error instanceof ServerAnswer || error instanceof FeedDataError)) this.report(error);
    this.online = false;
    try {
      markFailure(this.db, errorCode(error), this.clock.now());
    } catch (unwritable) {
      // A full disk takes no bookkeeping either; the loops go on and catch up once it does.
      this.report(unwritable);
    }
  }

  async call(identity: SyncIdentity, method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number): Promise<unknown> {
    const response = await this.transport.send({
      server: { url: identity.serverUrl, fingerprint: identity.fingerprint },
      method,
      path,
      authorization: bearer(identity.deviceId, identity.credential),
      body,
      timeoutMs,
      signal: this.controller.signal,
    });
    // Every exchange compares this desk's clock with the central service's.
    if (!this.stopped) noteServerTime(this.db, response.serverDate, this.clock.now());
    if (response.status !== 200) throw answerError(response);
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw new ServerAnswer(response.status, 'PROTOCOL');
    }
  }
}
