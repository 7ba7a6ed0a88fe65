/**
 * The client side of sync with the central service (server/).
 *
 * ## Running it
 *
 * The host (the Electron utility process that owns the database, or the
 * browser host) starts one sync service next to the dispatcher, on the SAME
 * database connection and in the same thread:
 *
 * ```ts
 * import { createHttpTransport, startSyncService } from '../src/sync';
 *
 * const sync = startSyncService({
 *   db,                                  // the open venue database
 *   transport: createHttpTransport(),    // node:https with certificate pinning (plain http on loopback only)
 *   clock,                               // optional; the dispatcher's clock
 *   onApplied: (event) => refreshPage(event), // remote changes are in the database now
 *   onError: (error) => log(error),      // unexpected errors only (never network trouble)
 * });
 * const dispatcher = new Dispatcher({ db, operations, clock, onEvent: () => sync.nudge() });
 * // …
 * await sync.stop();                     // before closing the database
 * ```
 *
 * - `nudge()` after anything is recorded (the dispatcher's onEvent): the
 *   outbox is sent at once. It also wakes an idle, not yet enrolled device
 *   to look for an enrollment request.
 * - `onApplied({ changes, kinds, recordIds, cursor })` is called after each
 *   short transaction of remote changes (check-ins and doses from the other
 *   desks of this venue arrive within a second or so through a long-poll).
 *   Tell the page to refresh its queue and counts.
 * - `stop()` cancels requests in flight and resolves when the loops ended.
 * - The service never throws and never holds a transaction across an await:
 *   each page is applied in transactions of about `applyBudgetMs` (25 ms),
 *   so recording at the desk is never held up for long.
 *
 * ## What the UI sees (contract operations in src/api/ops/sync.ts)
 *
 * - `requestEnrollment` (public, only before the device is set up): the
 *   central address and a one-time code; the sync service enrolls, then
 *   `enrollmentStatus` (public) tells how it went and how far the first
 *   roster download is.
 * - `syncStatus` (every role): last successful sync, online, records pending
 *   / sent / confirmed / rejected, open conflicts, roster-download progress.
 * - `listConflicts` / `resolveConflict` (supervisors).
 *
 * ## The protocol (protocol.ts; the server in server/ speaks the same)
 *
 * - `POST /v1/enroll {code, credentialHash, deviceName?}`: the device makes
 *   a 32-byte secret and sends its SHA-256; the server consumes the one-time
 *   code and keeps only the hash. Over https the certificate fingerprint
 *   seen (or given by the administrator) is kept and every later connection
 *   must present the same certificate, checked before the request is written.
 * - Every other call carries `Authorization: Bearer <deviceId>.<secret>`.
 * - `GET /v1/feed?after=<cursor>&limit=&wait=&count=`: the municipality's
 *   roster (one change per person: person, tickets, earlier doses, bookings,
 *   doses from other venues), products, staff (argon2id hashes, so staff sign
 *   in offline) and venues, plus this venue's desks, lots, check-ins, doses,
 *   voids, conflicts and the supervisor's-day records (below). Each entity
 *   once, at its latest state, in seq order;
 *   tombstones for deletions. Each page and its cursor are applied in one
 *   transaction (or several short ones, each with the cursor of its last
 *   change), so the device resumes exactly where it stopped. `wait` makes it
 *   a long-poll: the server answers as soon as something changes. Each page
 *   also carries the server's newest seq: below the device's cursor means the
 *   central database was restored from an older copy, and the device reads
 *   everything again. The newest head of this device's audit chain the
 *   server holds comes with it too: the device checks its chain still has
 *   that entry unchanged (audit-check.ts). The server records the cursor each page hands the
 *   device before sending it, so a device asking from a cursor the database
 *   no longer remembers is told so (a page whose head is below its cursor)
 *   whatever later writes did to the sequence.
 * - `POST /v1/reconcile` (reconcile.ts, reconcile-protocol.ts): at every
 *   sync the device proves what it holds as confirmed, as sums per bucket of
 *   record ids, and sends again, by the usual upload, the confirmed records
 *   the server no longer holds.
 * - `POST /v1/records {records: [{kind, data}]}`: the outbox, oldest first,
 *   idempotent by record id; the answer is per record: stored, duplicate
 *   (already had), conflict (stored and flagged), rejected. A record is
 *   confirmed only by that answer; anything unanswered is sent again, with
 *   exponential backoff and jitter between failed tries.
 *
 * ## The supervisor's day (apply-day.ts)
 *
 * Walk-in requests and decisions, observation outcomes, day closes,
 * explanations of discrepancies, desk lots and vials opened are records like
 * check-ins: made on one device (queued in the same transaction), uploaded,
 * stored once per id, and fed to the venue's other devices. Nothing is
 * edited in place: each device derives the state its screens read from the
 * records, the same way everywhere, so the order they arrive in never
 * matters:
 *
 * - walk_in_requests.status: "used" once a check-in names the request
 *   (checkins.walk_in_id, carried as walkInId); else the earliest decision
 *   (decidedAt, then id) from any device; else pending. A second decision is
 *   kept, and the server flags the pair as a conflict of kind "walkin" for
 *   the venue's supervisors (listConflicts, the day report).
 * - observations: a dose from another desk starts its row here; the outcome
 *   is a referral if any device referred, else the earliest release.
 * - day_closes: the earliest close of a venue-day that no reopen names
 *   (day_close_log, day_reopens); check-ins and doses of a closed day are
 *   then refused here too.
 * - desks.active_lot_id: the lot of the desk's latest desk_lot_history entry;
 *   lot_vials: the latest count; a desk's doctor (desk_doctors): the latest
 *   of the day. "Latest" is the central service's order of the records (the
 *   feed seq each arrived with, record_order / server_seq), never a desk's
 *   clock; a record made here and not yet back from the feed is the latest.
 *
 * Time: every answer's Date header is compared with this desk's clock
 * (clock.ts; the status bar warns beyond two minutes), and the server
 * refuses a record whose times are after its receipt (rejected, per record).
 *
 * Free text in these records (reasons, notes) never carries an individual
 * number: the device refuses it before storing, the server refuses it too.
 */
export { createHttpTransport, type HttpTransportOptions } from './http-transport';
export { DEFAULT_TUNING, startSyncService, type SyncAppliedEvent, type SyncService, type SyncServiceOptions, type SyncTuning } from './service';
export { readEnrollmentStatus, readSyncStatus, type EnrollmentStatus, type SyncStatus } from './status';
export {
  checkServerUrl,
  formatFingerprint,
  isLoopbackHost,
  normalizeFingerprint,
  TransportError,
  type ServerAddress,
  type SyncTransport,
  type TransportErrorCode,
  type TransportRequest,
  type TransportResponse,
} from './transport';
export { listConflicts, openConflictsForDay, resolveConflict, type ConflictView } from './conflicts';
export { openOutboxCount, outboxCounts, outboxDigest, unconfirmedRecordIds } from './outbox';
export { daySyncFacts } from './facts';
export { settleDayState } from './apply-day';
