import { uuidv7 } from '../common/ids';
import { NO_INDIVIDUAL_NUMBER, text } from '../common/messages';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import type { ObservationOutcomeData } from '../records/schemas';
import type { RecordSink } from '../records/sink';
import { containsIndividualNumber } from '../privacy/individual-number';
import { StaffRefusal } from '../common/refusal';

/**
 * After a dose the person waits under observation: 15 minutes, or 30 when
 * the product or their history calls for it (the nurse decides at the
 * booth). The board counts down; when time is up the desk is alerted; the
 * nurse marks the person released or referred.
 */
export const OBSERVATION_MINUTES = [15, 30] as const;
export type ObservationMinutes = (typeof OBSERVATION_MINUTES)[number];

/** Starts the observation of a dose (recorded here, or arrived from another desk: then once, however often it arrives). */
export function startObservation(db: VenueDb, input: { doseId: string; venueId: string; venueDate: string; startedAt: string; minutes: ObservationMinutes }): void {
  db.prepare(`INSERT OR IGNORE INTO observations (dose_id, venue_id, venue_date, started_at, minutes) VALUES (?, ?, ?, ?, ?)`).run(
    input.doseId,
    input.venueId,
    input.venueDate,
    input.startedAt,
    input.minutes,
  );
}

export interface ObservationEntry {
  readonly doseId: string;
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly doseNumber: number;
  readonly nameKana: string;
  readonly nameKanji: string;
  readonly deskId: string;
  readonly startedAt: string;
  readonly minutes: ObservationMinutes;
  readonly endsAt: string;
  readonly secondsLeft: number;
  readonly due: boolean;
}

/** Everyone still observing today, the one whose time ends first at the top. */
export function observationBoard(db: VenueDb, venueId: string, venueDate: string, now: Date): ObservationEntry[] {
  const rows = db
    .prepare(
      `SELECT o.dose_id, o.started_at, o.minutes, d.municipality, d.ticket_number, d.dose_number, d.desk_id, p.name_kana, p.name_kanji
       FROM observations o JOIN dose_records d ON d.id = o.dose_id JOIN people p ON p.id = d.person_id
       WHERE o.venue_id = ? AND o.venue_date = ? AND o.outcome = 'observing' AND d.voided_by IS NULL`,
    )
    .all(venueId, venueDate) as {
    dose_id: string;
    started_at: string;
    minutes: ObservationMinutes;
    municipality: string;
    ticket_number: string;
    dose_number: number;
    desk_id: string;
    name_kana: string;
    name_kanji: string;
  }[];
  return rows
    .map((row) => {
      const ends = new Date(new Date(row.started_at).getTime() + row.minutes * 60_000);
      const secondsLeft = Math.max(0, Math.ceil((ends.getTime() - now.getTime()) / 1000));
      return {
        doseId: row.dose_id,
        municipality: row.municipality,
        ticketNumber: row.ticket_number,
        doseNumber: row.dose_number,
        nameKana: row.name_kana,
        nameKanji: row.name_kanji,
        deskId: row.desk_id,
        startedAt: row.started_at,
        minutes: row.minutes,
        endsAt: venueIso(ends),
        secondsLeft,
        due: secondsLeft === 0,
      };
    })
    .sort((a, b) => a.endsAt.localeCompare(b.endsAt));
}

export class ObservationRefusal extends StaffRefusal {}

/**
 * Ends an observation. Releasing before the time is up is refused: the
 * whole point is the wait. Referring (to the doctor) is allowed at any time.
 */
export function endObservation(
  db: VenueDb,
  input: { doseId: string; outcome: 'released' | 'referred'; note?: string | null },
  staffId: string,
  now: Date,
  records: RecordSink,
): void {
  const row = db.prepare(`SELECT started_at, minutes, outcome, venue_id FROM observations WHERE dose_id = ?`).get(input.doseId) as
    | { started_at: string; minutes: number; outcome: string; venue_id: string }
    | undefined;
  if (!row) throw new ObservationRefusal('UNKNOWN_OBSERVATION', text('経過観察の記録が見つかりません。', 'No such observation.'));
  if (row.outcome !== 'observing') throw new ObservationRefusal('ALREADY_ENDED', text('経過観察は既に終わっています。', 'This observation has already ended.'));
  const endsAt = new Date(row.started_at).getTime() + row.minutes * 60_000;
  if (input.outcome === 'released' && now.getTime() < endsAt) {
    const minutesLeft = Math.ceil((endsAt - now.getTime()) / 60_000);
    throw new ObservationRefusal(
      'NOT_YET',
      text(`経過観察の時間がまだ残っています（あと${minutesLeft}分）。`, `The observation time is not over yet (${minutesLeft} min left).`),
    );
  }
  if (input.outcome === 'referred' && !input.note?.trim()) {
    throw new ObservationRefusal('NOTE_REQUIRED', text('医師へ引き継ぐ理由を入力してください。', 'Enter why the person is referred to the doctor.'));
  }
  const note = input.note?.trim() || null;
  if (note && containsIndividualNumber(note)) throw new ObservationRefusal('INDIVIDUAL_NUMBER', NO_INDIVIDUAL_NUMBER);
  const outcome: ObservationOutcomeData = { id: uuidv7(now.getTime()), doseId: input.doseId, venueId: row.venue_id, outcome: input.outcome, note, staffId, at: venueIso(now) };
  storeObservationOutcome(db, outcome);
  // Same transaction: the observation board on the other devices shows the person released or referred.
  records.add('observation_outcome', outcome);
}

/**
 * The observation_outcomes table's one insert, for an outcome recorded here and one from the feed;
 * the observation's outcome follows from it (one not here yet, its dose coming later, is settled
 * when the dose starts it). False when it was already here.
 */
export function storeObservationOutcome(db: VenueDb, outcome: ObservationOutcomeData): boolean {
  const inserted =
    db
      .prepare(`INSERT OR IGNORE INTO observation_outcomes (id, dose_id, venue_id, outcome, note, staff_id, at) VALUES (@id, @doseId, @venueId, @outcome, @note, @staffId, @at)`)
      .run(outcome).changes > 0;
  if (inserted) settleObservation(db, outcome.doseId);
  return inserted;
}

/**
 * Derives an observation's outcome from the outcome records about it, the
 * same way on every device. Two desks may end one observation while apart; a
 * referral to the doctor then stands over a release (it is the fact that must
 * not be lost), otherwise the earliest stands. All of them are kept.
 */
export function settleObservation(db: VenueDb, doseId: string): void {
  const winner = db
    .prepare(`SELECT outcome, note, staff_id, at FROM observation_outcomes WHERE dose_id = ? ORDER BY outcome = 'referred' DESC, at, id LIMIT 1`)
    .get(doseId) as { outcome: 'released' | 'referred'; note: string | null; staff_id: string; at: string } | undefined;
  db.prepare(`UPDATE observations SET outcome = ?, outcome_at = ?, outcome_by = ?, note = ? WHERE dose_id = ?`).run(
    winner?.outcome ?? 'observing',
    winner?.at ?? null,
    winner?.staff_id ?? null,
    winner?.note ?? null,
    doseId,
  );
}
