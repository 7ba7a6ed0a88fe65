/**
 * The doctor who clears the pre-screening (予診医) at a desk, set by a
 * supervisor for the day's session: venues work in shifts, so it changes
 * during the day, and each change is a record of its own (synced, so the
 * supervisor can set it from any device). The nurse's form shows the desk's
 * doctor and may change it for a record. The desk's doctor is the latest
 * setting of the day in the central service's order (LATEST_FIRST), never by
 * the desks' clocks.
 */
import { uuidv7 } from '../common/ids';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import type { RecordSink } from '../records/sink';
import { LATEST_FIRST } from './catalog';

export interface DeskDoctor {
  readonly deskId: string;
  readonly doctor: string;
  readonly staffId: string;
  readonly at: string;
}

export function setDeskDoctor(db: VenueDb, input: { venueId: string; deskId: string; date: string; doctor: string; staffId: string }, now: Date, records: RecordSink): DeskDoctor {
  const record = { id: uuidv7(now.getTime()), venueId: input.venueId, deskId: input.deskId, venueDate: input.date, doctor: input.doctor.trim(), staffId: input.staffId, at: venueIso(now) };
  storeDeskDoctor(db, record, null);
  // Same transaction: the desk's own device (and every other) shows the doctor.
  records.add('desk_doctor', record);
  return { deskId: record.deskId, doctor: record.doctor, staffId: record.staffId, at: record.at };
}

/** Keeps a setting (from here, or from the feed with its seq); a setting coming back from the feed gets its seq. */
export function storeDeskDoctor(
  db: VenueDb,
  record: { id: string; venueId: string; deskId: string; venueDate: string; doctor: string; staffId: string; at: string },
  serverSeq: number | null,
): 'stored' | 'ordered' | 'known' {
  const inserted = db
    .prepare(
      `INSERT OR IGNORE INTO desk_doctors (id, venue_id, desk_id, venue_date, doctor, staff_id, at, server_seq)
       VALUES (@id, @venueId, @deskId, @venueDate, @doctor, @staffId, @at, @serverSeq)`,
    )
    .run({ ...record, serverSeq }).changes;
  if (inserted > 0) return 'stored';
  if (serverSeq === null) return 'known';
  return db.prepare(`UPDATE desk_doctors SET server_seq = ? WHERE id = ? AND server_seq IS NULL`).run(serverSeq, record.id).changes > 0 ? 'ordered' : 'known';
}

/** The desk's doctor for the day, or null when no supervisor has set one. */
export function deskDoctor(db: VenueDb, deskId: string, date: string): DeskDoctor | null {
  const row = db
    .prepare(`SELECT d.desk_id AS deskId, d.doctor, d.staff_id AS staffId, d.at FROM desk_doctors d WHERE d.desk_id = ? AND d.venue_date = ? ORDER BY ${LATEST_FIRST('d')} LIMIT 1`)
    .get(deskId, date) as DeskDoctor | undefined;
  return row ?? null;
}
