import { z } from 'zod';
import { settleWalkIn, storeWalkInDecision, storeWalkInRequest } from '../checkin/walkin';
import { settleDayClose, storeDayClose, storeDayReopen, storeDiscrepancyNote } from '../day/close';
import { settleObservation, storeObservationOutcome } from '../day/observation';
import { canonicalLotId, orderDeskLot, refreshActiveLot, storeDeskLot, storeLotVials } from '../doses/catalog';
import { storeDeskDoctor } from '../doses/desk-doctor';
import type { VenueDb } from '../store/database';
import {
  dayCloseData,
  dayReopenData,
  deskDoctorData,
  deskLotData,
  discrepancyNoteData,
  lotVialsData,
  observationOutcomeData,
  walkInDecisionData,
  walkInRequestData,
  type DayKind,
} from './protocol';

/**
 * Applies the supervisor's-day records of this venue made at its other desks.
 * Each is stored once by id (a repeat changes nothing), then the state the
 * screens read is derived again from all the records about the same thing
 * (settleWalkIn, settleObservation, refreshActiveLot, latest-wins vials
 * and desk doctors, settleDayClose), so the order they arrive in never
 * matters and every device ends up the same. "Latest" is the central
 * service's order (the feed seq each record arrived with, kept in
 * record_order), never a desk's clock. They are never written to the outbox.
 */

/** What became of one change of the feed (apply.ts): written, kept aside for a newer app, or not this venue's. */
export type ApplyOutcome = 'applied' | 'parked' | 'skipped';

/** Kinds whose "latest" decides a state: their records' feed seqs are kept. */
export const ORDERED_DAY_KINDS: ReadonlySet<DayKind> = new Set(['desk_lot', 'lot_vials', 'desk_doctor']);

// Unknown fields are dropped, as for the other records (see apply.ts).
export const dayFeedSchemas = {
  walkin_request: z.object(walkInRequestData.shape),
  walkin_decision: z.object(walkInDecisionData.shape),
  observation_outcome: z.object(observationOutcomeData.shape),
  day_close: z.object(dayCloseData.shape),
  discrepancy_note: z.object(discrepancyNoteData.shape),
  desk_lot: z.object(deskLotData.shape),
  lot_vials: z.object(lotVialsData.shape),
  day_reopen: z.object(dayReopenData.shape),
  desk_doctor: z.object(deskDoctorData.shape),
};

type Feed<K extends keyof typeof dayFeedSchemas> = z.output<(typeof dayFeedSchemas)[K]>;

export function dayRecordWriter(db: VenueDb) {
  const personOf = db.prepare(`SELECT person_id FROM tickets WHERE municipality = ? AND number = ?`).pluck();
  const requestExists = db.prepare(`SELECT 1 FROM walk_in_requests WHERE id = ?`).pluck();
  const seqOf = db.prepare(`SELECT seq FROM record_order WHERE record_id = ?`).pluck();
  const lotExists = db.prepare(`SELECT 1 FROM lots WHERE id = ?`).pluck();
  const deskLotExists = db.prepare(`SELECT 1 FROM desk_lot_history WHERE id = ?`).pluck();
  const order = (id: string) => (seqOf.get(id) as number | undefined) ?? null;

  return {
    walkInRequest(data: Feed<'walkin_request'>): ApplyOutcome {
      if (requestExists.get(data.id)) return 'skipped';
      const personId = personOf.get(data.municipality, data.ticketNumber) as number | undefined;
      if (personId === undefined) return 'parked';
      // Its decisions or its check-in may have come first: storing settles it.
      return storeWalkInRequest(db, data, personId) ? 'applied' : 'skipped';
    },
    walkInDecision(data: Feed<'walkin_decision'>): ApplyOutcome {
      // A request not here yet is settled when it arrives.
      return storeWalkInDecision(db, data) ? 'applied' : 'skipped';
    },
    observationOutcome(data: Feed<'observation_outcome'>): ApplyOutcome {
      // An observation not here yet (its dose comes later) is settled when the dose starts it.
      return storeObservationOutcome(db, data) ? 'applied' : 'skipped';
    },
    dayClose(data: Feed<'day_close'>): ApplyOutcome {
      // Two supervisors may close one day while apart: both are kept, and settleDayClose picks the day's close.
      return storeDayClose(db, { ...data, summary: JSON.stringify(data.summary) }) ? 'applied' : 'skipped';
    },
    dayReopen(data: Feed<'day_reopen'>): ApplyOutcome {
      // A reopen of a close not here yet is kept; the close finds it when it arrives.
      return storeDayReopen(db, data) ? 'applied' : 'skipped';
    },
    deskDoctor(data: Feed<'desk_doctor'>): ApplyOutcome {
      return storeDeskDoctor(db, data, order(data.id)) === 'known' ? 'skipped' : 'applied';
    },
    discrepancyNote(data: Feed<'discrepancy_note'>): ApplyOutcome {
      return storeDiscrepancyNote(db, data) ? 'applied' : 'skipped';
    },
    deskLot(data: Feed<'desk_lot'>): ApplyOutcome {
      const serverSeq = order(data.id);
      // Made here, back from the feed: it takes its place in the central service's order.
      if (deskLotExists.get(data.id)) {
        if (serverSeq === null) return 'skipped';
        orderDeskLot(db, data.id, serverSeq);
        refreshActiveLot(db, data.deskId);
        return 'skipped';
      }
      // The desk's active lot must be a lot here (desks.active_lot_id refers to lots): wait for the lot.
      const lotId = canonicalLotId(db, data.lotId);
      if (!lotExists.get(lotId)) return 'parked';
      return storeDeskLot(db, { ...data, lotId }, serverSeq) ? 'applied' : 'skipped';
    },
    lotVials(data: Feed<'lot_vials'>): ApplyOutcome {
      // Kept, or made the latest, or (made here and back from the feed) given its place in the order.
      storeLotVials(db, { ...data, lotId: canonicalLotId(db, data.lotId), serverSeq: order(data.id) ?? 0 });
      return 'applied';
    },
  };
}

/**
 * Derives again, from the records, every piece of supervisor's-day state a
 * screen reads: each walk-in request's status, each observation's outcome,
 * each desk's active lot. For after rows were copied in from elsewhere (a
 * restore's carry-over), when the derived columns may be stale. Run it in
 * a transaction. (lot_vials keeps its winner in the row itself; records
 * that come back through the feed settle it.)
 */
export function settleDayState(db: VenueDb): void {
  for (const id of db.prepare(`SELECT id FROM walk_in_requests`).pluck().all() as string[]) settleWalkIn(db, id);
  const days = db.prepare(`SELECT DISTINCT venue_id AS venueId, venue_date AS date FROM day_close_log`).all() as { venueId: string; date: string }[];
  for (const day of days) settleDayClose(db, day.venueId, day.date);
  for (const id of db.prepare(`SELECT dose_id FROM observations`).pluck().all() as string[]) settleObservation(db, id);
  for (const id of db.prepare(`SELECT id FROM desks`).pluck().all() as string[]) refreshActiveLot(db, id);
}
