/**
 * The checkins table's one insert, for a check-in made here
 * (src/checkin/record.ts) and one from another desk (src/sync/apply.ts)
 * alike. A row is the record as it travels (src/records/schemas.ts) plus
 * where it stands on this device; the rules that differ (the verdict decided
 * here; the late-record note for one from the feed) stay with the caller.
 */
import type { CheckinData } from '../records/schemas';
import type { VenueDb } from '../store/database';

/** Beside what travels: who the check-in is about here, and the void that points at it (voids are records of their own). */
export interface CheckinLocal {
  readonly personId: number;
  readonly voidedBy: string | null;
}

export function insertCheckinRow(db: VenueDb, data: CheckinData, local: CheckinLocal): void {
  db.prepare(
    `INSERT INTO checkins (id, municipality, ticket_number, person_id, booking_id, dose_number, venue_id, desk_id, staff_id, at, venue_date, walk_in_approved_by, voided_by, walk_in_id)
     VALUES (@id, @municipality, @ticketNumber, @personId, @bookingId, @doseNumber, @venueId, @deskId, @staffId, @at, @venueDate, @walkInApprovedBy, @voidedBy, @walkInId)`,
  ).run({ ...data, ...local, walkInId: data.walkInId ?? null });
}
