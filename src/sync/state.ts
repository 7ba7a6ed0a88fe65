import type { StaffText } from '../common/messages';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';

/** What this device is to the central service, once enrolled. The credential never leaves the encrypted database except in the Authorization header. */
export interface SyncIdentity {
  readonly serverUrl: string;
  readonly fingerprint: string | null;
  readonly deviceId: string;
  readonly credential: string;
  readonly municipality: string;
  readonly venueId: string;
  readonly deskId: string;
}

interface StateRow {
  server_url: string | null;
  fingerprint: string | null;
  device_id: string | null;
  credential: string | null;
  municipality: string | null;
  venue_id: string | null;
  desk_id: string | null;
  enrolled_at: string | null;
  cursor: number;
  online: 0 | 1;
  last_success_at: string | null;
  last_error_code: string | null;
  last_error_at: string | null;
  download_active: 0 | 1;
  download_done: number;
  download_total: number | null;
  download_started_at: string | null;
  download_finished_at: string | null;
  audit_head_sent: number;
}

function stateRow(db: VenueDb): StateRow {
  return db.prepare(`SELECT * FROM sync_state WHERE id = 1`).get() as StateRow;
}

export function readSyncIdentity(db: VenueDb): SyncIdentity | null {
  const row = stateRow(db);
  if (!row.server_url || !row.device_id || !row.credential || !row.municipality || !row.venue_id || !row.desk_id) return null;
  return {
    serverUrl: row.server_url,
    fingerprint: row.fingerprint,
    deviceId: row.device_id,
    credential: row.credential,
    municipality: row.municipality,
    venueId: row.venue_id,
    deskId: row.desk_id,
  };
}

export function writeSyncIdentity(db: VenueDb, identity: SyncIdentity, now: Date): void {
  db.prepare(
    `UPDATE sync_state SET server_url = ?, fingerprint = ?, device_id = ?, credential = ?, municipality = ?, venue_id = ?, desk_id = ?,
       enrolled_at = ?, cursor = 0 WHERE id = 1`,
  ).run(identity.serverUrl, identity.fingerprint, identity.deviceId, identity.credential, identity.municipality, identity.venueId, identity.deskId, venueIso(now));
}

export function readCursor(db: VenueDb): number {
  return stateRow(db).cursor;
}

/** Call inside the transaction that applied the changes up to this cursor. */
export function writeCursor(db: VenueDb, cursor: number): void {
  db.prepare(`UPDATE sync_state SET cursor = ? WHERE id = 1`).run(cursor);
}

export function writeDownloadProgress(db: VenueDb, progress: { active: boolean; done: number; total: number | null; startedAt?: string; finishedAt?: string }): void {
  db.prepare(
    `UPDATE sync_state SET download_active = ?, download_done = ?, download_total = ?,
       download_started_at = COALESCE(?, download_started_at), download_finished_at = ? WHERE id = 1`,
  ).run(progress.active ? 1 : 0, progress.done, progress.total, progress.startedAt ?? null, progress.finishedAt ?? null);
}

/** A successful exchange with the server. Written at most every few seconds by the caller. */
export function markSuccess(db: VenueDb, now: Date): void {
  db.prepare(`UPDATE sync_state SET online = 1, last_success_at = ?, last_error_code = NULL WHERE id = 1`).run(venueIso(now));
}

export function markFailure(db: VenueDb, code: string, now: Date): void {
  db.prepare(`UPDATE sync_state SET online = 0, last_error_code = ?, last_error_at = ? WHERE id = 1`).run(code, venueIso(now));
}

export function readAuditHeadSent(db: VenueDb): number {
  return stateRow(db).audit_head_sent;
}

export function writeAuditHeadSent(db: VenueDb, seq: number): void {
  db.prepare(`UPDATE sync_state SET audit_head_sent = ? WHERE id = 1`).run(seq);
}

export interface SyncStateSnapshot {
  readonly enrolled: boolean;
  readonly serverUrl: string | null;
  readonly fingerprint: string | null;
  readonly deviceId: string | null;
  readonly cursor: number;
  readonly online: boolean;
  readonly lastSuccessAt: string | null;
  readonly lastErrorCode: string | null;
  readonly lastErrorAt: string | null;
  readonly download: { readonly active: boolean; readonly done: number; readonly total: number | null; readonly startedAt: string | null; readonly finishedAt: string | null };
}

export function readSyncState(db: VenueDb): SyncStateSnapshot {
  const row = stateRow(db);
  return {
    enrolled: readSyncIdentity(db) !== null,
    serverUrl: row.server_url,
    fingerprint: row.fingerprint,
    deviceId: row.device_id,
    cursor: row.cursor,
    online: row.online === 1,
    lastSuccessAt: row.last_success_at,
    lastErrorCode: row.last_error_code,
    lastErrorAt: row.last_error_at,
    download: {
      active: row.download_active === 1,
      done: row.download_done,
      total: row.download_total,
      startedAt: row.download_started_at,
      finishedAt: row.download_finished_at,
    },
  };
}

// ---------------------------------------------------------------------------
// Enrollment requests: written by the requestEnrollment operation, carried out by the sync service.

export type EnrollmentState = 'requested' | 'working' | 'enrolled' | 'failed';

export interface EnrollmentRequest {
  readonly serverUrl: string;
  readonly code: string | null;
  readonly secret: string | null;
  readonly fingerprint: string | null;
  readonly deviceName: string | null;
  readonly state: EnrollmentState;
  readonly requestedAt: string;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly message: StaffText } | null;
}

interface EnrollmentRow {
  server_url: string;
  code: string | null;
  secret: string | null;
  fingerprint: string | null;
  device_name: string | null;
  state: EnrollmentState;
  requested_at: string;
  finished_at: string | null;
  error_code: string | null;
  error_ja: string | null;
  error_en: string | null;
}

export function readEnrollment(db: VenueDb): EnrollmentRequest | null {
  const row = db.prepare(`SELECT * FROM sync_enrollment WHERE id = 1`).get() as EnrollmentRow | undefined;
  if (!row) return null;
  return {
    serverUrl: row.server_url,
    code: row.code,
    secret: row.secret,
    fingerprint: row.fingerprint,
    deviceName: row.device_name,
    state: row.state,
    requestedAt: row.requested_at,
    finishedAt: row.finished_at,
    error: row.error_code ? { code: row.error_code, message: { ja: row.error_ja ?? '', en: row.error_en ?? '' } } : null,
  };
}

export function writeEnrollmentRequest(db: VenueDb, input: { serverUrl: string; code: string; fingerprint: string | null; deviceName: string | null }, now: Date): void {
  db.prepare(
    `INSERT INTO sync_enrollment (id, server_url, code, fingerprint, device_name, state, requested_at) VALUES (1, ?, ?, ?, ?, 'requested', ?)
     ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url, code = excluded.code, fingerprint = excluded.fingerprint,
       device_name = excluded.device_name, state = 'requested', requested_at = excluded.requested_at, secret = NULL,
       finished_at = NULL, error_code = NULL, error_ja = NULL, error_en = NULL`,
  ).run(input.serverUrl, input.code, input.fingerprint, input.deviceName, venueIso(now));
}

/** Keeps the secret before anything is sent, so a restart mid-enrollment retries the same enrollment. */
export function markEnrollmentWorking(db: VenueDb, secret: string): void {
  db.prepare(`UPDATE sync_enrollment SET state = 'working', secret = ? WHERE id = 1`).run(secret);
}

/** The code is wiped either way: it was one-time, and it is a secret until used. */
export function finishEnrollment(db: VenueDb, outcome: { ok: true } | { ok: false; code: string; message: StaffText }, now: Date): void {
  if (outcome.ok) {
    db.prepare(`UPDATE sync_enrollment SET state = 'enrolled', code = NULL, secret = NULL, finished_at = ?, error_code = NULL, error_ja = NULL, error_en = NULL WHERE id = 1`).run(venueIso(now));
  } else {
    db.prepare(`UPDATE sync_enrollment SET state = 'failed', code = NULL, secret = NULL, finished_at = ?, error_code = ?, error_ja = ?, error_en = ? WHERE id = 1`).run(
      venueIso(now),
      outcome.code,
      outcome.message.ja,
      outcome.message.en,
    );
  }
}
