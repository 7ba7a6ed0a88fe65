import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/log';
import { randomToken } from '../common/ids';
import { systemClock, venueIso, type Clock } from '../common/time';
import { upsertDesk, upsertVenue } from '../doses/catalog';
import type { VenueDb } from '../store/database';
import { writeDeviceSettings } from '../store/settings';
import { createFeedApplier, FeedDataError, type FeedApplier } from './apply';
import { Backoff } from './backoff';
import { noteServerTime } from './clock';
import { syncMessage } from './messages';
import { AuditHeadKeeper } from './audit-check';
import { recordAnswers, requeueAll, takeBatch, toUploadRecords } from './outbox';
import { ReconcileTask } from './reconcile';
import {
  apiErrorSchema,
  bearer,
  enrollResponseSchema,
  feedResponseSchema,
  isFeedKind,
  LIMITS,
  uploadResponseSchema,
  type FeedKind,
  type FeedResponse,
} from './protocol';
import {
  finishEnrollment,
  markEnrollmentWorking,
  markFailure,
  markSuccess,
  readCursor,
  readEnrollment,
  readSyncIdentity,
  writeAuditHeadSent,
  writeCursor,
  writeDownloadProgress,
  writeSyncIdentity,
  type EnrollmentRequest,
  type SyncIdentity,
} from './state';
import { TransportError, type SyncTransport, type TransportResponse } from './transport';

export interface SyncTuning {
  /** Changes asked for per feed page. */
  readonly pageSize: number;
  /** How long the server may hold a feed request when there is nothing new. */
  readonly longPollSeconds: number;
  /** Records per upload. */
  readonly uploadBatch: number;
  /** Time allowed for the answer to an upload or an enrollment. Short: a hung request delays sending after the network heals. */
  readonly requestTimeoutMs: number;
  /** Time allowed for a feed page (a long-poll gets its wait on top): pages are larger, links may be slow. */
  readonly feedTimeoutMs: number;
  readonly backoffBaseMs: number;
  /** Ceiling of the wait between retries; also bounds how long after the network heals sending resumes. */
  readonly backoffMaxMs: number;
  /** Longest a single page-apply transaction may run, so recording at this desk is never held up for long. */
  readonly applyBudgetMs: number;
  /** Before enrollment: how often to look for an enrollment request without a nudge. */
  readonly idleCheckMs: number;
  /** How often the audit chain head is sent up (when it moved). */
  readonly auditHeadIntervalMs: number;
  /** Tries at enrolling while the server cannot be reached, before giving up. */
  readonly enrollAttempts: number;
  /** Longest time between two comparisons of the confirmed records with the central service's (reconcile.ts). */
  readonly reconcileIntervalMs: number;
  /** Shortest time between two comparisons (each sync wakes one). */
  readonly reconcileMinGapMs: number;
}

export const DEFAULT_TUNING: SyncTuning = {
  pageSize: 5_000,
  longPollSeconds: 20,
  uploadBatch: 200,
  // With the backoff ceiling: the outbox drains within about 10 s of the network healing.
  requestTimeoutMs: 5_000,
  feedTimeoutMs: 30_000,
  backoffBaseMs: 250,
  backoffMaxMs: 4_000,
  applyBudgetMs: 25,
  idleCheckMs: 1_000,
  auditHeadIntervalMs: 60_000,
  enrollAttempts: 5,
  reconcileIntervalMs: 30_000,
  reconcileMinGapMs: 2_000,
};

/** Told after remote changes are applied (the page should refresh). */
export interface SyncAppliedEvent {
  /** Changes applied in this transaction. */
  readonly changes: number;
  readonly kinds: readonly FeedKind[];
  /** Ids of check-ins, doses and voids that arrived (at most 200). */
  readonly recordIds: readonly string[];
  readonly cursor: number;
}

export interface SyncServiceOptions {
  readonly db: VenueDb;
  readonly transport: SyncTransport;
  readonly clock?: Clock;
  readonly onApplied?: (event: SyncAppliedEvent) => void;
  /** Unexpected errors (bugs), for the log. Network trouble is not reported here: it is normal. */
  readonly onError?: (error: unknown) => void;
  readonly tuning?: Partial<SyncTuning>;
}

export interface SyncService {
  /**
   * Stops both loops and cancels requests in flight; resolves when they have
   * ended. From the moment it is called the service no longer touches the
   * database, so a host may close the database right after calling it.
   */
  stop(): Promise<void>;
  /** Something was recorded (or an enrollment requested): send it now. */
  nudge(): void;
}

/** A promise that a wake() or a timeout ends. */
class Waker {
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

class ServerAnswer extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** A busy server's Retry-After, in ms (0 when it gave none). */
    readonly retryAfterMs = 0,
  ) {
    super(`the central service answered ${status} ${code}`);
    this.name = 'ServerAnswer';
  }
}

/** Retry-After in seconds (what the central service sends), as ms; at most a minute, whatever a server says. */
function retryAfterMs(response: TransportResponse): number {
  const seconds = Number(response.retryAfter);
  return (response.status === 429 || response.status === 503) && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 0;
}

function answerError(response: TransportResponse): ServerAnswer {
  let code = response.status >= 500 ? 'SERVER_ERROR' : `HTTP_${response.status}`;
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(response.body));
    if (parsed.success) code = parsed.data.error.code;
  } catch {
    // Not JSON: keep the status code.
  }
  return new ServerAnswer(response.status, code, retryAfterMs(response));
}

function errorCode(error: unknown): string {
  if (error instanceof TransportError) return error.code;
  if (error instanceof ServerAnswer) return error.code;
  if (error instanceof FeedDataError) return 'FEED_INVALID';
  return 'PROTOCOL';
}

const sleepTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Starts syncing this device with the central service. See index.ts for the
 * whole picture. Runs until stop(); never throws; every database write is a
 * short synchronous transaction on the caller's connection, so recording at
 * this desk goes on whatever the network does.
 */
export function startSyncService(options: SyncServiceOptions): SyncService {
  const { db, transport } = options;
  const clock = options.clock ?? systemClock;
  const tuning: SyncTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const controller = new AbortController();
  const enrollWaker = new Waker();
  const uploadWork = new Waker();
  const uploadRetry = new Waker();
  const downloadRetry = new Waker();
  let stopped = false;
  let lastSuccessWrite = 0;
  let online: boolean | null = null;
  let uploadFailing = false;

  // What this device holds as confirmed, compared with what the service holds at every sync (reconcile.ts).
  const reconciliation = new ReconcileTask({
    db,
    clock,
    intervalMs: tuning.reconcileIntervalMs,
    minGapMs: tuning.reconcileMinGapMs,
    onResend: (records) => {
      report(new Error(`the central service lacks ${records} record(s) it had confirmed (restored from an older copy?): sending them again`));
      uploadWork.wake();
      uploadRetry.wake();
    },
    unsupported: (error) => error instanceof ServerAnswer && error.status === 404,
  });

  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A broken logger must not stop sync.
    }
  };

  function success(): void {
    const now = clock.now();
    // Written on the way back online, then at most every 5 s: each write is a disk sync.
    if (online !== true || now.getTime() - lastSuccessWrite >= 5_000) {
      markSuccess(db, now);
      lastSuccessWrite = now.getTime();
    }
    if (online !== true && uploadFailing) uploadRetry.wake();
    online = true;
  }

  function failure(error: unknown): void {
    if (stopped) return;
    if (!(error instanceof TransportError || error instanceof ServerAnswer || error instanceof FeedDataError)) report(error);
    online = false;
    try {
      markFailure(db, errorCode(error), clock.now());
    } catch (unwritable) {
      // A full disk takes no bookkeeping either; the loops go on and catch up once it does.
      report(unwritable);
    }
  }

  async function call(identity: SyncIdentity, method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number): Promise<unknown> {
    const response = await transport.send({
      server: { url: identity.serverUrl, fingerprint: identity.fingerprint },
      method,
      path,
      authorization: bearer(identity.deviceId, identity.credential),
      body,
      timeoutMs,
      signal: controller.signal,
    });
    // Every exchange compares this desk's clock with the central service's.
    if (!stopped) noteServerTime(db, response.serverDate, clock.now());
    if (response.status !== 200) throw answerError(response);
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw new ServerAnswer(response.status, 'PROTOCOL');
    }
  }

  // -------------------------------------------------------------------------
  // Enrollment

  async function enroll(request: EnrollmentRequest): Promise<void> {
    if (!request.code) {
      db.transaction(() => finishEnrollment(db, { ok: false, code: 'ENROLLMENT_CODE_UNKNOWN', message: syncMessage('ENROLLMENT_CODE_UNKNOWN') }, clock.now()))();
      return;
    }
    // The device makes its own secret; the server keeps only the hash. A retry
    // with the same hash after a lost answer (or a restart) is the same enrollment, not a replay.
    const secret = request.state === 'working' && request.secret ? request.secret : randomToken(32);
    markEnrollmentWorking(db, secret);
    const credentialHash = createHash('sha256').update(secret).digest('hex');
    const body = JSON.stringify({ code: request.code, credentialHash, ...(request.deviceName ? { deviceName: request.deviceName } : {}) });
    const backoff = new Backoff(tuning.backoffBaseMs, tuning.backoffMaxMs);
    let lastCode = 'UNREACHABLE';
    for (let attempt = 0; attempt < tuning.enrollAttempts && !stopped; attempt++) {
      try {
        const response = await transport.send({
          server: { url: request.serverUrl, fingerprint: request.fingerprint },
          method: 'POST',
          path: '/v1/enroll',
          body,
          timeoutMs: tuning.requestTimeoutMs,
          signal: controller.signal,
        });
        if (stopped) return;
        if (response.status !== 200) {
          const code = answerError(response).code;
          if (response.status < 500) {
            db.transaction(() => finishEnrollment(db, { ok: false, code, message: syncMessage(code) }, clock.now()))();
            return;
          }
          lastCode = code;
        } else {
          const answer = enrollResponseSchema.parse(JSON.parse(response.body));
          completeEnrollment(request, answer, secret, response.fingerprint);
          return;
        }
      } catch (error) {
        if (stopped) return;
        lastCode = errorCode(error);
        if (lastCode === 'FINGERPRINT_MISMATCH' || lastCode === 'INSECURE_URL' || lastCode === 'BAD_URL' || lastCode === 'PROTOCOL') break;
      }
      await enrollWaker.wait(backoff.next());
    }
    if (stopped) return;
    db.transaction(() => finishEnrollment(db, { ok: false, code: lastCode, message: syncMessage(lastCode) }, clock.now()))();
  }

  function completeEnrollment(
    request: EnrollmentRequest,
    answer: ReturnType<typeof enrollResponseSchema.parse>,
    secret: string,
    seenFingerprint: string | null,
  ): void {
    const now = clock.now();
    db.transaction(() => {
      writeSyncIdentity(
        db,
        {
          serverUrl: request.serverUrl,
          // Kept from now on: a server with another certificate is refused.
          fingerprint: seenFingerprint ?? request.fingerprint,
          deviceId: answer.deviceId,
          credential: secret,
          municipality: answer.municipality.code,
          venueId: answer.venue.id,
          deskId: answer.desk.id,
        },
        now,
      );
      upsertVenue(db, { id: answer.venue.id, name: answer.venue.name, municipality: answer.municipality.code });
      for (const desk of answer.desks) upsertDesk(db, { id: desk.id, venueId: answer.venue.id, name: desk.name });
      writeDeviceSettings(db, {
        deviceId: answer.deviceId,
        venueId: answer.venue.id,
        deskId: answer.desk.id,
        defaultMunicipality: answer.municipality.code,
        servedMunicipalities: answer.servedMunicipalities,
      });
      finishEnrollment(db, { ok: true }, now);
      appendAudit(db, {
        at: venueIso(now),
        staffId: null,
        deskId: answer.desk.id,
        action: 'syncEnrolled',
        recordId: answer.deviceId,
        outcome: 'ok',
        detail: { venue: answer.venue.id, desk: answer.desk.id, municipality: answer.municipality.code },
      });
    })();
  }

  // -------------------------------------------------------------------------
  // Down: the feed

  type Fetched = { ok: true; page: FeedResponse } | { ok: false; error: unknown };

  async function fetchPage(identity: SyncIdentity, after: number, wait: number, count: boolean): Promise<FeedResponse> {
    const query = `after=${after}&limit=${tuning.pageSize}&wait=${wait}&count=${count ? 1 : 0}`;
    const body = await call(identity, 'GET', `/v1/feed?${query}`, undefined, tuning.feedTimeoutMs + wait * 1000);
    const page = feedResponseSchema.safeParse(body);
    if (!page.success) throw new ServerAnswer(200, 'PROTOCOL');
    return page.data;
  }

  interface Run {
    done: number;
    total: number | null;
    startedAt: string;
  }

  async function applyPage(applier: FeedApplier, page: FeedResponse, run: Run): Promise<void> {
    // A big page would otherwise hit SQLite's automatic checkpoint inside some commit (tens of ms
    // with synchronous=FULL): it is turned off for the page and done in small steps between transactions.
    const big = page.changes.length > 100;
    const autoCheckpoint = big ? (db.pragma('wal_autocheckpoint', { simple: true }) as number) : 0;
    if (big) db.pragma('wal_autocheckpoint = 0');
    try {
      await applyTransactions(applier, page, run, big);
    } finally {
      if (big && db.open) db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
    }
  }

  async function applyTransactions(applier: FeedApplier, page: FeedResponse, run: Run, checkpoint: boolean): Promise<void> {
    const changes = page.changes;
    let index = 0;
    while (!stopped) {
      const from = index;
      const started = performance.now();
      const kinds = new Set<FeedKind>();
      const recordIds: string[] = [];
      let end = from;
      let unblocking = false;
      db.transaction(() => {
        while (end < changes.length) {
          const change = changes[end] as (typeof changes)[number];
          const outcome = applier.apply(change);
          end += 1;
          if (outcome === 'applied') {
            if (isFeedKind(change.kind)) kinds.add(change.kind);
            if ((change.kind === 'checkin' || change.kind === 'dose' || change.kind === 'void') && recordIds.length < 200) recordIds.push(change.key);
            if (change.kind === 'person' || change.kind === 'product') unblocking = true;
          }
          // Keep each transaction short: recording at this desk waits for it.
          if ((end - from) % 32 === 0 && performance.now() - started > tuning.applyBudgetMs) break;
        }
        const last = changes[end - 1];
        writeCursor(db, end === changes.length ? page.next : (last?.seq ?? page.after));
        if (unblocking || (end === changes.length && applier.parkedCount() > 0)) applier.retryParked();
        run.done += end - from;
        const finished = end === changes.length && !page.more;
        writeDownloadProgress(db, {
          active: !finished,
          done: run.done,
          total: run.total,
          startedAt: run.startedAt,
          finishedAt: finished ? venueIso(clock.now()) : undefined,
        });
      })();
      index = end;
      if (checkpoint) db.pragma('wal_checkpoint(PASSIVE)');
      if (end > from && options.onApplied) {
        try {
          options.onApplied({ changes: end - from, kinds: [...kinds], recordIds, cursor: readCursor(db) });
        } catch (error) {
          report(error);
        }
      }
      if (index >= changes.length) return;
      await sleepTurn();
    }
  }

  async function downloadLoop(identity: SyncIdentity): Promise<void> {
    const applier = createFeedApplier(db, { municipality: identity.municipality, venueId: identity.venueId, now: () => clock.now() });
    const backoff = new Backoff(tuning.backoffBaseMs, tuning.backoffMaxMs);
    let caughtUp = false;
    let run: Run | null = null;
    let prefetched: { after: number; result: Promise<Fetched> } | null = null;
    while (!stopped) {
      try {
        const cursor = readCursor(db);
        const wait = caughtUp ? tuning.longPollSeconds : 0;
        let page: FeedResponse;
        if (prefetched && prefetched.after === cursor) {
          const result = await prefetched.result;
          prefetched = null;
          if (!result.ok) throw result.error;
          page = result.page;
        } else {
          prefetched = null;
          page = await fetchPage(identity, cursor, wait, run === null && wait === 0);
        }
        if (stopped) break;
        // A page that answers another cursor (a stale or duplicated answer) is not applied.
        if (page.after !== cursor) throw new ServerAnswer(200, 'STALE_PAGE');
        success();
        auditHeads.feedPage(page.auditHead);
        backoff.reset();
        if (page.head !== undefined && page.head < cursor) {
          startOver();
          prefetched = null;
          caughtUp = false;
          run = null;
          continue;
        }
        if (page.changes.length > 0) {
          run ??= { done: 0, total: null, startedAt: venueIso(clock.now()) };
          if (page.remaining !== null) run.total = run.done + page.changes.length + page.remaining;
        }
        if (page.more) {
          // Fetch the next page while this one is applied; ask how much is left if nobody has yet.
          const after = page.next;
          prefetched = {
            after,
            result: fetchPage(identity, after, 0, run?.total === null).then(
              (next): Fetched => ({ ok: true, page: next }),
              (error: unknown): Fetched => ({ ok: false, error }),
            ),
          };
        }
        if (run && page.changes.length > 0) await applyPage(applier, page, run);
        caughtUp = !page.more;
        if (caughtUp) run = null;
      } catch (error) {
        prefetched = null;
        if (stopped) break;
        failure(error);
        caughtUp = false;
        run = null;
        await downloadRetry.wait(backoff.next());
      }
    }
  }

  /**
   * The server has less than this device has read: its data was restored from
   * an older copy. Read everything again, and send again everything this device
   * made (the server keeps what it already has and answers "duplicate").
   */
  function startOver(): void {
    db.transaction(() => {
      writeCursor(db, 0);
      // What it lacks is found by comparing (reconcile.ts) and sent again; an older service without that gets everything.
      if (!reconciliation.supported) requeueAll(db);
      writeAuditHeadSent(db, 0);
    })();
    report(new Error('the central service is behind this device (restored from an older copy?): reading everything again and sending what it lacks'));
    reconciliation.requestFull();
    uploadWork.wake();
    uploadRetry.wake();
  }

  // -------------------------------------------------------------------------
  // Up: the outbox

  // The audit chain's head goes up, and is compared with the central copy at every feed page (audit-check.ts).
  const auditHeads = new AuditHeadKeeper(db, clock, tuning.auditHeadIntervalMs, () => uploadWork.wake());

  async function uploadLoop(identity: SyncIdentity): Promise<void> {
    const backoff = new Backoff(tuning.backoffBaseMs, tuning.backoffMaxMs);
    let batchSize = tuning.uploadBatch;
    while (!stopped) {
      let batch: ReturnType<typeof takeBatch>;
      try {
        auditHeads.maybeEnqueue();
        batch = takeBatch(db, batchSize, LIMITS.uploadBodyBytes - 64 * 1024, clock.now());
      } catch (error) {
        // The database took no write (a full disk): wait and try again, as for the network.
        failure(error);
        await uploadRetry.wait(backoff.next());
        continue;
      }
      if (batch.length === 0) {
        await uploadWork.wait(tuning.auditHeadIntervalMs);
        continue;
      }
      if (stopped) break;
      try {
        const body = JSON.stringify({ records: toUploadRecords(batch) });
        const answer = uploadResponseSchema.safeParse(await call(identity, 'POST', '/v1/records', body, tuning.requestTimeoutMs));
        if (stopped) break;
        if (!answer.success) throw new ServerAnswer(200, 'PROTOCOL');
        const sent = new Set(batch.map((row) => row.recordId));
        const now = clock.now();
        db.transaction(() => {
          recordAnswers(db, sent, answer.data.results, now);
          storeConflicts(db, answer.data.results);
        })();
        // A sync: what is confirmed now is compared with what the service holds.
        if (batch.length < batchSize) reconciliation.wake();
        success();
        backoff.reset();
        uploadFailing = false;
        batchSize = tuning.uploadBatch;
      } catch (error) {
        if (stopped) break;
        // Too large for the server: send fewer at a time.
        if (error instanceof ServerAnswer && error.status === 413) batchSize = Math.max(1, Math.floor(batch.length / 2));
        failure(error);
        uploadFailing = true;
        // A busy server says when to come back: not before then (plus jitter, so desks do not return together).
        const busy = error instanceof ServerAnswer ? error.retryAfterMs : 0;
        const until = Date.now() + Math.max(backoff.next(), busy + (busy > 0 ? Math.random() * 1_000 : 0));
        await uploadRetry.wait(until - Date.now());
        // Woken early because the feed came back: a busy server's time still holds.
        while (busy > 0 && !stopped && Date.now() < until) await uploadRetry.wait(until - Date.now());
      }
    }
  }

  // -------------------------------------------------------------------------

  async function main(): Promise<void> {
    let identity = readSyncIdentity(db);
    while (!identity && !stopped) {
      const request = readEnrollment(db);
      if (request && (request.state === 'requested' || request.state === 'working')) await enroll(request);
      else await enrollWaker.wait(tuning.idleCheckMs);
      if (stopped) return;
      identity = readSyncIdentity(db);
    }
    if (!identity || stopped) return;
    const reconcile = (request: unknown) => call(identity, 'POST', '/v1/reconcile', JSON.stringify(request), tuning.requestTimeoutMs);
    await Promise.all([downloadLoop(identity), uploadLoop(identity), reconciliation.run(reconcile)]);
  }

  const running = main().catch((error: unknown) => report(error));

  return {
    async stop() {
      stopped = true;
      controller.abort();
      enrollWaker.wake();
      uploadWork.wake();
      uploadRetry.wake();
      downloadRetry.wake();
      reconciliation.stop();
      await running;
    },
    nudge() {
      enrollWaker.wake();
      uploadWork.wake();
    },
  };
}

/** Conflicts the server reported in its answer, kept for supervisors (the feed brings them too). */
function storeConflicts(db: VenueDb, results: ReturnType<typeof uploadResponseSchema.parse>['results']): void {
  const upsert = db.prepare(
    `INSERT INTO sync_conflicts (id, kind, municipality, ticket_number, dose_number, venue_date, records, detected_at, resolved_at, resolved_by, note)
     VALUES (@id, @kind, @municipality, @ticketNumber, @doseNumber, @venueDate, @records, @detectedAt, @resolvedAt, @resolvedBy, @note)
     ON CONFLICT (id) DO UPDATE SET records = excluded.records`,
  );
  for (const result of results) {
    if (result.conflict) upsert.run({ ...result.conflict, records: JSON.stringify(result.conflict.records) });
  }
}
