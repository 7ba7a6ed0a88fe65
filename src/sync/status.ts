import type { StaffText } from '../common/messages';
import type { VenueDb } from '../store/database';
import { readClockCheck, type ClockCheck } from './clock';
import { syncMessage } from './messages';
import { outboxCounts } from './outbox';
import { readEnrollment, readSyncState, type EnrollmentState } from './state';

export interface SyncStatus {
  readonly enrolled: boolean;
  readonly serverUrl: string | null;
  readonly deviceId: string | null;
  /** The certificate fingerprint kept from enrollment (https), to compare with what the administrator says. */
  readonly fingerprint: string | null;
  /** Whether the last exchange with the server worked. */
  readonly online: boolean;
  readonly lastSuccessAt: string | null;
  readonly lastError: { readonly code: string; readonly at: string | null; readonly message: StaffText } | null;
  readonly records: { readonly pending: number; readonly sent: number; readonly confirmed: number; readonly rejected: number };
  readonly conflicts: { readonly open: number; readonly resolved: number };
  /** A roster download in progress (done of total changes), or the last one. */
  readonly download: { readonly active: boolean; readonly done: number; readonly total: number | null; readonly startedAt: string | null; readonly finishedAt: string | null };
  /** This desk's clock against the central service's at the last exchange (null before the first). */
  readonly clock: ClockCheck | null;
}

/** Everything the status bar shows, straight from the database (the sync service keeps it current). */
export function readSyncStatus(db: VenueDb): SyncStatus {
  const state = readSyncState(db);
  const conflicts = db
    .prepare(`SELECT count(*) FILTER (WHERE resolved_at IS NULL) AS open, count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved FROM sync_conflicts`)
    .get() as { open: number; resolved: number };
  return {
    enrolled: state.enrolled,
    serverUrl: state.serverUrl,
    deviceId: state.deviceId,
    fingerprint: state.fingerprint,
    online: state.online,
    lastSuccessAt: state.lastSuccessAt,
    lastError: state.lastErrorCode ? { code: state.lastErrorCode, at: state.lastErrorAt, message: syncMessage(state.lastErrorCode) } : null,
    records: outboxCounts(db),
    conflicts,
    download: state.download,
    clock: readClockCheck(db),
  };
}

export interface EnrollmentStatus {
  readonly state: 'none' | EnrollmentState;
  readonly serverUrl: string | null;
  readonly requestedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly message: StaffText } | null;
  /** Set once enrolled: what this device became. */
  readonly venueId: string | null;
  readonly deskId: string | null;
  readonly download: SyncStatus['download'];
}

/** For the first-run screen, before anyone can sign in: no personal data. */
export function readEnrollmentStatus(db: VenueDb): EnrollmentStatus {
  const request = readEnrollment(db);
  const state = readSyncState(db);
  const identity = db.prepare(`SELECT venue_id, desk_id FROM sync_state WHERE id = 1`).get() as { venue_id: string | null; desk_id: string | null };
  return {
    state: request?.state ?? (state.enrolled ? 'enrolled' : 'none'),
    serverUrl: request?.serverUrl ?? state.serverUrl,
    requestedAt: request?.requestedAt ?? null,
    finishedAt: request?.finishedAt ?? null,
    error: request?.error ?? null,
    venueId: identity.venue_id,
    deskId: identity.desk_id,
    download: state.download,
  };
}
