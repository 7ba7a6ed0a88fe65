import { uuidv7 } from '../common/ids';
import { NO_INDIVIDUAL_NUMBER, text, type StaffText } from '../common/messages';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import { enqueueDayClose, enqueueDiscrepancyNote } from '../sync/outbox';
import { containsIndividualNumber } from '../privacy/individual-number';

export class DayRefusal extends Error {
  constructor(
    readonly code: string,
    readonly staffMessage: StaffText,
  ) {
    super(staffMessage.en);
    this.name = 'DayRefusal';
  }
}

export interface DayClose {
  readonly id: string;
  readonly venueId: string;
  readonly date: string;
  readonly staffId: string;
  readonly at: string;
  readonly note: string;
}

export function dayClose(db: VenueDb, venueId: string, date: string): DayClose | null {
  const row = db.prepare(`SELECT id, venue_id, venue_date, staff_id, at, note FROM day_closes WHERE venue_id = ? AND venue_date = ?`).get(venueId, date) as
    | { id: string; venue_id: string; venue_date: string; staff_id: string; at: string; note: string }
    | undefined;
  return row ? { id: row.id, venueId: row.venue_id, date: row.venue_date, staffId: row.staff_id, at: row.at, note: row.note } : null;
}

export const DAY_CLOSED = text(
  'この日は締め済みです。記録の変更は管理者が取り消しと再記録（理由つき）で行ってください。',
  'This day is closed. Records change only by a supervisor voiding and re-recording, with a reason.',
);

/** Refuses new records on a closed day (re-records by a supervisor pass `allowRerecord`). */
export function assertDayOpen(db: VenueDb, venueId: string, date: string): void {
  if (dayClose(db, venueId, date)) throw new DayRefusal('DAY_CLOSED', DAY_CLOSED);
}

export interface DiscrepancyNote {
  readonly key: string;
  readonly note: string;
  readonly staffId: string;
  readonly at: string;
}

/** The latest explanation of each discrepancy key on a day. */
export function discrepancyNotes(db: VenueDb, venueId: string, date: string): Map<string, DiscrepancyNote> {
  const rows = db
    .prepare(`SELECT key, note, staff_id, at FROM discrepancy_notes WHERE venue_id = ? AND venue_date = ? ORDER BY at, id`)
    .all(venueId, date) as { key: string; note: string; staff_id: string; at: string }[];
  return new Map(rows.map((r) => [r.key, { key: r.key, note: r.note, staffId: r.staff_id, at: r.at }]));
}

export function explainDiscrepancy(db: VenueDb, input: { venueId: string; date: string; key: string; note: string }, staffId: string, now: Date): DiscrepancyNote {
  const note = input.note.trim();
  if (note.length < 2) throw new DayRefusal('NOTE_REQUIRED', text('説明を入力してください。', 'Enter an explanation.'));
  refuseIndividualNumber(note);
  const at = venueIso(now);
  const id = uuidv7(now.getTime());
  db.prepare(`INSERT INTO discrepancy_notes (id, venue_id, venue_date, key, note, staff_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    id,
    input.venueId,
    input.date,
    input.key,
    note,
    staffId,
    at,
  );
  // Same transaction: the explanation shows in the day report on the venue's other devices.
  enqueueDiscrepancyNote(db, { id, venueId: input.venueId, venueDate: input.date, key: input.key, note, staffId, at }, now);
  return { key: input.key, note, staffId, at };
}

function refuseIndividualNumber(note: string): void {
  if (containsIndividualNumber(note)) throw new DayRefusal('INDIVIDUAL_NUMBER', NO_INDIVIDUAL_NUMBER);
}

/** The day's figures as they travel: counts only (the reconciliation's counts object). */
function figures(summary: unknown): Record<string, number> {
  if (typeof summary !== 'object' || summary === null) return {};
  const counts = Object.entries(summary).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isInteger(e[1]) && e[1] >= 0);
  return Object.fromEntries(counts.slice(0, 40));
}

/**
 * Signs off a day. The caller passes the day's open discrepancies (from the
 * reconciliation); any left unexplained refuses the close.
 */
export function closeDay(
  db: VenueDb,
  input: { venueId: string; date: string; note: string; unexplained: readonly string[]; summary: unknown },
  staffId: string,
  now: Date,
): DayClose {
  if (dayClose(db, input.venueId, input.date)) throw new DayRefusal('ALREADY_CLOSED', text('この日は既に締め済みです。', 'This day is already closed.'));
  if (input.unexplained.length > 0) {
    throw new DayRefusal(
      'UNEXPLAINED_DISCREPANCIES',
      text(
        `説明のない不一致が${input.unexplained.length}件あります。すべてに説明を入れてから締めてください。`,
        `${input.unexplained.length} discrepancies have no explanation. Explain each one before closing the day.`,
      ),
    );
  }
  const note = input.note.trim();
  if (note.length < 2) throw new DayRefusal('NOTE_REQUIRED', text('締めのメモを入力してください。', 'Enter a closing note.'));
  refuseIndividualNumber(note);
  const close: DayClose = { id: uuidv7(now.getTime()), venueId: input.venueId, date: input.date, staffId, at: venueIso(now), note };
  db.prepare(`INSERT INTO day_closes (id, venue_id, venue_date, staff_id, at, note, summary) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    close.id,
    close.venueId,
    close.date,
    close.staffId,
    close.at,
    close.note,
    JSON.stringify(input.summary),
  );
  // Same transaction: every device of the venue (and the central service) learns the day is closed.
  enqueueDayClose(db, { id: close.id, venueId: close.venueId, venueDate: close.date, staffId, at: close.at, note, summary: figures(input.summary) }, now);
  return close;
}
