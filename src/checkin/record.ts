import { uuidv7 } from '../common/ids';
import { venueDate, venueIso } from '../common/time';
import { assertDayOpen } from '../day/close';
import { findTicket } from '../roster/repo';
import type { VenueDb } from '../store/database';
import type { CheckinData } from '../records/schemas';
import type { RecordSink } from '../records/sink';
import { insertCheckinRow } from './checkin-row';
import type { Verdict } from './schema';
import { useWalkIn } from './walkin';
import { decideVerdict, type TicketRef, type VerdictContext } from './verdict';

export interface CheckInRecord {
  readonly id: string;
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly bookingId: string | null;
  readonly doseNumber: number;
  readonly venueId: string;
  readonly deskId: string;
  readonly staffId: string;
  readonly at: string;
  readonly walkInApprovedBy: string | null;
}

export type CheckInOutcome = { ok: true; record: CheckInRecord; verdict: Verdict } | { ok: false; verdict: Verdict };

/**
 * Checks a person in. The verdict is decided again here, inside the write
 * transaction, so two desks pressing at once cannot both check in one ticket.
 */
export function checkIn(
  db: VenueDb,
  ticket: TicketRef,
  context: VerdictContext & { deskId: string; staffId: string },
  records: RecordSink,
): CheckInOutcome {
  assertDayOpen(db, context.venueId, venueDate(context.now));
  const verdict = decideVerdict(db, ticket, context);
  if (!verdict.admit || verdict.dose === null) return { ok: false, verdict };
  const person = findTicket(db, ticket.municipality, ticket.number);
  if (!person) return { ok: false, verdict };
  // The walk-in approval this check-in uses, named on the record so every device marks the request used.
  const walkInId = verdict.walkIn?.status === 'approved' ? verdict.walkIn.id : null;
  // The record as it travels, in schema order: what is queued is exactly what the server stores and hashes.
  const data: CheckinData = {
    id: uuidv7(context.now.getTime()),
    municipality: ticket.municipality,
    ticketNumber: ticket.number,
    bookingId: verdict.booking?.id ?? null,
    doseNumber: verdict.dose,
    venueId: context.venueId,
    deskId: context.deskId,
    staffId: context.staffId,
    at: venueIso(context.now),
    venueDate: venueDate(context.now),
    walkInApprovedBy: walkInId ? approverOf(db, walkInId) : null,
    // Only when set: a check-in without a walk-in keeps the body it always had.
    ...(walkInId ? { walkInId } : {}),
  };
  insertCheckinRow(db, data, { personId: person.person.id, voidedBy: null });
  // With the row, in the call's transaction: it reaches the central service or stays queued, never neither.
  records.add('checkin', data);
  if (walkInId) useWalkIn(db, walkInId);
  const { venueDate: _date, walkInId: _walkIn, ...record } = data;
  return { ok: true, record, verdict };
}

function approverOf(db: VenueDb, walkInId: string): string | null {
  const row = db.prepare(`SELECT decided_by FROM walk_in_requests WHERE id = ?`).get(walkInId) as { decided_by: string | null } | undefined;
  return row?.decided_by ?? null;
}

export interface QueueEntry {
  readonly checkinId: string;
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly doseNumber: number;
  readonly checkedInAt: string;
  readonly deskId: string;
  readonly nameKana: string;
  readonly nameKanji: string;
  readonly birthDate: string;
  readonly sex: 'M' | 'F' | 'U';
}

/** People checked in today at the venue (any desk) with no dose record yet, first come first. */
export function vaccinationQueue(db: VenueDb, venueId: string, now: Date): QueueEntry[] {
  return db
    .prepare(
      `SELECT c.id AS checkinId, c.municipality, c.ticket_number AS ticketNumber, c.dose_number AS doseNumber, c.at AS checkedInAt,
              c.desk_id AS deskId, p.name_kana AS nameKana, p.name_kanji AS nameKanji, p.birth_date AS birthDate, p.sex
       FROM checkins c JOIN people p ON p.id = c.person_id
       WHERE c.venue_id = ? AND c.venue_date = ? AND c.voided_by IS NULL
         AND NOT EXISTS (SELECT 1 FROM dose_records d WHERE d.municipality = c.municipality AND d.ticket_number = c.ticket_number
                         AND d.venue_date = c.venue_date AND d.voided_by IS NULL)
       ORDER BY c.at`,
    )
    .all(venueId, venueDate(now)) as QueueEntry[];
}
