import { z } from 'zod';
import { settleWalkIn } from '../checkin/walkin';
import { settleObservation } from '../day/observation';
import { canonicalLotId, refreshActiveLot, storeLotVials } from '../doses/catalog';
import type { VenueDb } from '../store/database';
import type { ApplyOutcome } from './apply';
import { dayCloseData, deskLotData, discrepancyNoteData, lotVialsData, observationOutcomeData, walkInDecisionData, walkInRequestData } from './protocol';

/**
 * Applies the supervisor's-day records of this venue made at its other desks.
 * Each is stored once by id (a repeat changes nothing), then the state the
 * screens read is derived again from all the records about the same thing
 * (settleWalkIn, settleObservation, refreshActiveLot, latest-wins vials,
 * earliest-wins close), so the order they arrive in never matters and every
 * device ends up the same. They are never written to the outbox.
 */

// Unknown fields are dropped, as for the other records (see apply.ts).
export const dayFeedSchemas = {
  walkin_request: z.object(walkInRequestData.shape),
  walkin_decision: z.object(walkInDecisionData.shape),
  observation_outcome: z.object(observationOutcomeData.shape),
  day_close: z.object(dayCloseData.shape),
  discrepancy_note: z.object(discrepancyNoteData.shape),
  desk_lot: z.object(deskLotData.shape),
  lot_vials: z.object(lotVialsData.shape),
};

type Feed<K extends keyof typeof dayFeedSchemas> = z.output<(typeof dayFeedSchemas)[K]>;

export function dayRecordWriter(db: VenueDb) {
  const personOf = db.prepare(`SELECT person_id FROM tickets WHERE municipality = ? AND number = ?`).pluck();
  const requestExists = db.prepare(`SELECT 1 FROM walk_in_requests WHERE id = ?`).pluck();
  const insertRequest = db.prepare(
    `INSERT INTO walk_in_requests (id, municipality, ticket_number, person_id, venue_id, venue_date, desk_id, requested_by, requested_at, verdict_code)
     VALUES (@id, @municipality, @ticketNumber, @personId, @venueId, @venueDate, @deskId, @requestedBy, @requestedAt, @verdictCode)`,
  );
  const insertDecision = db.prepare(
    `INSERT OR IGNORE INTO walk_in_decisions (id, request_id, venue_id, desk_id, outcome, product_id, reason, decided_by, decided_at)
     VALUES (@id, @requestId, @venueId, @deskId, @outcome, @productId, @reason, @decidedBy, @decidedAt)`,
  );
  const insertOutcome = db.prepare(
    `INSERT OR IGNORE INTO observation_outcomes (id, dose_id, venue_id, outcome, note, staff_id, at) VALUES (@id, @doseId, @venueId, @outcome, @note, @staffId, @at)`,
  );
  const closeExists = db.prepare(`SELECT 1 FROM day_closes WHERE id = ?`).pluck();
  // Two supervisors may close the same day while apart: the earliest close (by time, then id) is the day's close everywhere.
  const upsertClose = db.prepare(
    `INSERT INTO day_closes (id, venue_id, venue_date, staff_id, at, note, summary) VALUES (@id, @venueId, @venueDate, @staffId, @at, @note, @summary)
     ON CONFLICT (venue_id, venue_date) DO UPDATE SET id = excluded.id, staff_id = excluded.staff_id, at = excluded.at, note = excluded.note, summary = excluded.summary
     WHERE excluded.at < day_closes.at OR (excluded.at = day_closes.at AND excluded.id < day_closes.id)`,
  );
  const insertNote = db.prepare(
    `INSERT OR IGNORE INTO discrepancy_notes (id, venue_id, venue_date, key, note, staff_id, at) VALUES (@id, @venueId, @venueDate, @key, @note, @staffId, @at)`,
  );
  const lotExists = db.prepare(`SELECT 1 FROM lots WHERE id = ?`).pluck();
  const insertDeskLot = db.prepare(
    `INSERT OR IGNORE INTO desk_lot_history (id, desk_id, lot_id, venue_id, staff_id, from_at) VALUES (@id, @deskId, @lotId, @venueId, @staffId, @fromAt)`,
  );
  const vialsSeen = db.prepare(`SELECT 1 FROM lot_vials WHERE record_id = ?`).pluck();

  return {
    walkInRequest(data: Feed<'walkin_request'>): ApplyOutcome {
      if (requestExists.get(data.id)) return 'skipped';
      const personId = personOf.get(data.municipality, data.ticketNumber) as number | undefined;
      if (personId === undefined) return 'parked';
      insertRequest.run({ ...data, personId });
      // Its decisions or its check-in may have come first.
      settleWalkIn(db, data.id);
      return 'applied';
    },
    walkInDecision(data: Feed<'walkin_decision'>): ApplyOutcome {
      if (insertDecision.run(data).changes === 0) return 'skipped';
      // A request not here yet is settled when it arrives.
      settleWalkIn(db, data.requestId);
      return 'applied';
    },
    observationOutcome(data: Feed<'observation_outcome'>): ApplyOutcome {
      if (insertOutcome.run(data).changes === 0) return 'skipped';
      // An observation not here yet (its dose comes later) is settled when the dose starts it.
      settleObservation(db, data.doseId);
      return 'applied';
    },
    dayClose(data: Feed<'day_close'>): ApplyOutcome {
      if (closeExists.get(data.id)) return 'skipped';
      upsertClose.run({ ...data, summary: JSON.stringify(data.summary) });
      return 'applied';
    },
    discrepancyNote(data: Feed<'discrepancy_note'>): ApplyOutcome {
      return insertNote.run(data).changes > 0 ? 'applied' : 'skipped';
    },
    deskLot(data: Feed<'desk_lot'>): ApplyOutcome {
      // The desk's active lot must be a lot here (desks.active_lot_id refers to lots): wait for the lot.
      const lotId = canonicalLotId(db, data.lotId);
      if (!lotExists.get(lotId)) return 'parked';
      if (insertDeskLot.run({ ...data, lotId }).changes === 0) return 'skipped';
      refreshActiveLot(db, data.deskId);
      return 'applied';
    },
    lotVials(data: Feed<'lot_vials'>): ApplyOutcome {
      if (vialsSeen.get(data.id)) return 'skipped';
      storeLotVials(db, { ...data, lotId: canonicalLotId(db, data.lotId) });
      return 'applied';
    },
  };
}

/**
 * Derives again, from the records, every piece of supervisor's-day state a
 * screen reads: each walk-in request's status, each observation's outcome,
 * each desk's active lot. For after rows were copied in from elsewhere (a
 * restore's carry-over), when the derived columns may be stale. Run it in
 * a transaction. (lot_vials and day_closes keep their winner in the row
 * itself; records that come back through the feed settle them.)
 */
export function settleDayState(db: VenueDb): void {
  for (const id of db.prepare(`SELECT id FROM walk_in_requests`).pluck().all() as string[]) settleWalkIn(db, id);
  for (const id of db.prepare(`SELECT dose_id FROM observations`).pluck().all() as string[]) settleObservation(db, id);
  for (const id of db.prepare(`SELECT id FROM desks`).pluck().all() as string[]) refreshActiveLot(db, id);
}
