import { uuidv7 } from '../common/ids';
import { text } from '../common/messages';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import type { RecordSink } from '../records/sink';
import { conflictKey, type ConflictData } from './protocol';
import { StaffRefusal } from '../common/refusal';

export interface ConflictView {
  readonly id: string;
  readonly kind: ConflictData['kind'];
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly doseNumber: number | null;
  readonly venueDate: string | null;
  readonly records: ConflictData['records'];
  readonly detectedAt: string;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly note: string | null;
}

interface ConflictRow {
  id: string;
  kind: ConflictData['kind'];
  municipality: string;
  ticket_number: string;
  dose_number: number | null;
  venue_date: string | null;
  records: string;
  detected_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  note: string | null;
}

function view(row: ConflictRow): ConflictView {
  return {
    ...conflictKey(row),
    records: JSON.parse(row.records) as ConflictData['records'],
    detectedAt: row.detected_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    note: row.note,
  };
}

/** Open conflicts first, newest first. */
export function listConflicts(db: VenueDb, options: { includeResolved?: boolean } = {}): ConflictView[] {
  const where = options.includeResolved ? '' : 'WHERE resolved_at IS NULL';
  return (db.prepare(`SELECT * FROM sync_conflicts ${where} ORDER BY resolved_at IS NOT NULL, detected_at DESC`).all() as ConflictRow[]).map(view);
}

export class ConflictRefusal extends StaffRefusal {}

/**
 * A supervisor's decision on a conflict: marked here at once, and sent to the
 * central service (which tells the other venue) as a record of its own. What
 * to do about the records themselves (usually voiding one) is a separate,
 * ordinary void.
 */
export function resolveConflict(db: VenueDb, input: { conflictId: string; note: string; staffId: string }, now: Date, records: RecordSink): ConflictView {
  const row = db.prepare(`SELECT * FROM sync_conflicts WHERE id = ?`).get(input.conflictId) as ConflictRow | undefined;
  if (!row) throw new ConflictRefusal('UNKNOWN_CONFLICT', text('この競合は見つかりません。', 'No such conflict.'));
  if (row.resolved_at) throw new ConflictRefusal('ALREADY_RESOLVED', text('この競合は解決済みです。', 'This conflict is already resolved.'));
  const at = venueIso(now);
  const note = input.note.trim();
  db.prepare(`UPDATE sync_conflicts SET resolved_at = ?, resolved_by = ?, note = ? WHERE id = ?`).run(at, input.staffId, note, input.conflictId);
  records.add('resolution', { id: uuidv7(now.getTime()), conflictId: input.conflictId, staffId: input.staffId, at, note });
  return view({ ...row, resolved_at: at, resolved_by: input.staffId, note });
}

/** What the day's reconciliation needs: records the server has not confirmed, and open conflicts of a day. */
export function openConflictsForDay(db: VenueDb, venueDate: string): ConflictView[] {
  return (db.prepare(`SELECT * FROM sync_conflicts WHERE resolved_at IS NULL AND (venue_date = ? OR venue_date IS NULL) ORDER BY detected_at`).all(venueDate) as ConflictRow[]).map(view);
}

/**
 * The one writer of sync_conflicts, for the conflicts the feed brings and those
 * an upload's answer names: the records are replaced by the newest list, and a
 * resolution already known here is kept when the news does not carry one.
 */
export function storeConflict(db: VenueDb, conflict: ConflictData): void {
  db.prepare(
    `INSERT INTO sync_conflicts (id, kind, municipality, ticket_number, dose_number, venue_date, records, detected_at, resolved_at, resolved_by, note)
     VALUES (@id, @kind, @municipality, @ticketNumber, @doseNumber, @venueDate, @records, @detectedAt, @resolvedAt, @resolvedBy, @note)
     ON CONFLICT (id) DO UPDATE SET records = excluded.records, resolved_at = COALESCE(excluded.resolved_at, sync_conflicts.resolved_at),
       resolved_by = COALESCE(excluded.resolved_by, sync_conflicts.resolved_by), note = COALESCE(excluded.note, sync_conflicts.note)`,
  ).run({ ...conflict, records: JSON.stringify(conflict.records) });
}
