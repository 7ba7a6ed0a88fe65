import { uuidv7 } from '../common/ids';
import { NO_INDIVIDUAL_NUMBER, text, type StaffText } from '../common/messages';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import type { DiscrepancyNoteData } from '../records/schemas';
import type { RecordSink } from '../records/sink';
import { containsIndividualNumber } from '../privacy/individual-number';
import { StaffRefusal } from '../common/refusal';

export class DayRefusal extends StaffRefusal {}

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

/** The discrepancy_notes table's one insert, for a note written here and one from the feed. False when it was already here. */
export function storeDiscrepancyNote(db: VenueDb, note: DiscrepancyNoteData): boolean {
  return (
    db.prepare(`INSERT OR IGNORE INTO discrepancy_notes (id, venue_id, venue_date, key, note, staff_id, at) VALUES (@id, @venueId, @venueDate, @key, @note, @staffId, @at)`).run(note)
      .changes > 0
  );
}

export function explainDiscrepancy(db: VenueDb, input: { venueId: string; date: string; key: string; note: string }, staffId: string, now: Date, records: RecordSink): DiscrepancyNote {
  const note = input.note.trim();
  if (note.length < 2) throw new DayRefusal('NOTE_REQUIRED', text('説明を入力してください。', 'Enter an explanation.'));
  refuseIndividualNumber(note);
  const at = venueIso(now);
  const record: DiscrepancyNoteData = { id: uuidv7(now.getTime()), venueId: input.venueId, venueDate: input.date, key: input.key, note, staffId, at };
  storeDiscrepancyNote(db, record);
  // With the row, in the call's transaction: the explanation shows in the day report on the venue's other devices.
  records.add('discrepancy_note', record);
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
/** What is still open on a day when it is closed: each count must be confirmed by the supervisor who closes it. */
export interface OpenCounts {
  readonly waiting: number;
  readonly observing: number;
  readonly notYetCome: number;
  readonly unsent: number;
}

/** The open counts in words, as the confirmation names them. */
export function openWords(open: OpenCounts): StaffText {
  return text(
    `受付済みで未接種 ${open.waiting}人、経過観察中 ${open.observing}人、これから来る予約 ${open.notYetCome}件、未送信の記録 ${open.unsent}件`,
    `${open.waiting} checked in and not vaccinated, ${open.observing} in observation, ${open.notYetCome} bookings still to come, ${open.unsent} records not yet sent`,
  );
}

const sameOpen = (a: OpenCounts, b: OpenCounts) => a.waiting === b.waiting && a.observing === b.observing && a.notYetCome === b.notYetCome && a.unsent === b.unsent;

/**
 * Nobody is closed out of the day unnoticed: the supervisor must have
 * confirmed exactly what is still open now (the screen shows the counts and
 * sends back the ones it showed).
 */
function assertOpenConfirmed(open: OpenCounts, confirmed: OpenCounts | undefined): void {
  if (confirmed && sameOpen(open, confirmed)) return;
  const words = openWords(open);
  throw new DayRefusal(
    confirmed ? 'OPEN_ITEMS_CHANGED' : 'OPEN_ITEMS_UNCONFIRMED',
    text(
      `${confirmed ? '確認した後に状況が変わりました。' : ''}まだ終わっていないものがあります：${words.ja}。内容を確かめ、この数を確認してから締めてください。`,
      `${confirmed ? 'Things changed since you confirmed. ' : ''}Not everything is finished: ${words.en}. Check them, confirm these counts, then close the day.`,
    ),
  );
}

export function closeDay(
  db: VenueDb,
  input: { venueId: string; date: string; note: string; unexplained: readonly string[]; summary: unknown; open: OpenCounts; confirmOpen: OpenCounts | undefined },
  staffId: string,
  now: Date,
  records: RecordSink,
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
  assertOpenConfirmed(input.open, input.confirmOpen);
  const close: DayClose = { id: uuidv7(now.getTime()), venueId: input.venueId, date: input.date, staffId, at: venueIso(now), note };
  storeDayClose(db, { id: close.id, venueId: close.venueId, venueDate: close.date, staffId, at: close.at, note, summary: JSON.stringify(input.summary) });
  // Same transaction: every device of the venue (and the central service) learns the day is closed.
  records.add('day_close', { id: close.id, venueId: close.venueId, venueDate: close.date, staffId, at: close.at, note, summary: figures(input.summary) });
  return close;
}

/** Keeps a close (made here or at another desk) and derives the day's state again. */
export function storeDayClose(db: VenueDb, close: { id: string; venueId: string; venueDate: string; staffId: string; at: string; note: string; summary: string }): boolean {
  const stored = db
    .prepare(`INSERT OR IGNORE INTO day_close_log (id, venue_id, venue_date, staff_id, at, note, summary) VALUES (@id, @venueId, @venueDate, @staffId, @at, @note, @summary)`)
    .run(close).changes;
  settleDayClose(db, close.venueId, close.venueDate);
  return stored > 0;
}

/** Keeps a reopen (made here or at another desk) and derives the day's state again. */
export function storeDayReopen(db: VenueDb, reopen: { id: string; venueId: string; venueDate: string; closeId: string; staffId: string; at: string; reason: string }): boolean {
  const stored = db
    .prepare(`INSERT OR IGNORE INTO day_reopens (id, venue_id, venue_date, close_id, staff_id, at, reason) VALUES (@id, @venueId, @venueDate, @closeId, @staffId, @at, @reason)`)
    .run(reopen).changes;
  settleDayClose(db, reopen.venueId, reopen.venueDate);
  return stored > 0;
}

/**
 * The day's current close, derived from every close and reopen there is: a
 * day is closed while some close of it has not been reopened, and then the
 * earliest such close (time, then id) is its close. A reopen names the close
 * it undoes, so every device agrees whatever order the records reached it in.
 */
export function settleDayClose(db: VenueDb, venueId: string, date: string): void {
  const current = db
    .prepare(
      `SELECT id, venue_id, venue_date, staff_id, at, note, summary FROM day_close_log c
       WHERE venue_id = ? AND venue_date = ? AND NOT EXISTS (SELECT 1 FROM day_reopens r WHERE r.close_id = c.id)
       ORDER BY at, id LIMIT 1`,
    )
    .get(venueId, date);
  if (!current) {
    db.prepare(`DELETE FROM day_closes WHERE venue_id = ? AND venue_date = ?`).run(venueId, date);
    return;
  }
  db.prepare(
    `INSERT INTO day_closes (id, venue_id, venue_date, staff_id, at, note, summary) VALUES (@id, @venue_id, @venue_date, @staff_id, @at, @note, @summary)
     ON CONFLICT (venue_id, venue_date) DO UPDATE SET id = excluded.id, staff_id = excluded.staff_id, at = excluded.at, note = excluded.note, summary = excluded.summary`,
  ).run(current);
}

/** Every close and reopen of a day, oldest first: the sign-off history the screen shows. */
export function dayCloseHistory(db: VenueDb, venueId: string, date: string): { kind: 'close' | 'reopen'; id: string; staffId: string; at: string; text: string }[] {
  return db
    .prepare(
      `SELECT 'close' AS kind, id, staff_id AS staffId, at, note AS text FROM day_close_log WHERE venue_id = ? AND venue_date = ?
       UNION ALL SELECT 'reopen', id, staff_id, at, reason FROM day_reopens WHERE venue_id = ? AND venue_date = ?
       ORDER BY at, id`,
    )
    .all(venueId, date, venueId, date) as { kind: 'close' | 'reopen'; id: string; staffId: string; at: string; text: string }[];
}

/**
 * A supervisor reopens a closed day, with a reason (to record a dose for
 * someone still waiting, say). Records made afterwards are ordinary records
 * of an open day; the reopen is a record of its own, audited and synced.
 */
export function reopenDay(db: VenueDb, input: { venueId: string; date: string; reason: string }, staffId: string, now: Date, records: RecordSink): { id: string; closeId: string; at: string } {
  const close = dayClose(db, input.venueId, input.date);
  if (!close) throw new DayRefusal('NOT_CLOSED', text('この日は締めていません。再開するものはありません。', 'This day is not closed: there is nothing to reopen.'));
  const reason = input.reason.trim();
  if (reason.length < 2) throw new DayRefusal('REASON_REQUIRED', text('再開する理由を入力してください。', 'Enter why the day is reopened.'));
  refuseIndividualNumber(reason);
  const reopen = { id: uuidv7(now.getTime()), venueId: input.venueId, venueDate: input.date, closeId: close.id, staffId, at: venueIso(now), reason };
  storeDayReopen(db, reopen);
  records.add('day_reopen', reopen);
  return { id: reopen.id, closeId: close.id, at: reopen.at };
}
