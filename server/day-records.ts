import type { DayKind, UploadRecord } from '../src/sync/protocol';
import { DAY_KINDS } from '../src/sync/protocol';
import type { DeviceRow } from './device-row';
import { problems } from './problems';

/**
 * The supervisor's-day records (walk-in requests and decisions, observation
 * outcomes, day closes and reopens, explanations, desk lots and doctors,
 * vials): stored once per id
 * and put on the feed of the device's venue, like check-ins and doses. The
 * server keeps every record; the devices derive the current state from them.
 *
 * A record that names another record of the venue (a decision its request,
 * an outcome its dose, a desk lot or a vials count its lot) is accepted
 * before the record it names has arrived, as a void is: after the central
 * database is restored from an older copy, devices send everything again in
 * no particular order, and refusing would lose the record or stall the
 * device. When the named record is here, it must be of the same venue.
 * References to what the administrator set up (the venue's desks) must
 * resolve at once: those cannot legitimately be missing.
 */

export type DayRecord = Extract<UploadRecord, { kind: DayKind }>;

export const DAY_TABLE = {
  walkin_request: 'walkin_requests',
  walkin_decision: 'walkin_decisions',
  observation_outcome: 'observation_outcomes',
  day_close: 'day_closes',
  discrepancy_note: 'discrepancy_notes',
  desk_lot: 'desk_lots',
  lot_vials: 'lot_vials',
  day_reopen: 'day_reopens',
  desk_doctor: 'desk_doctors',
} as const satisfies Record<DayKind, string>;

export function isDayRecord(record: UploadRecord): record is DayRecord {
  return (DAY_KINDS as readonly string[]).includes(record.kind);
}

/**
 * What the records a batch names resolve to (see ownership.ts): what is
 * stored first, an earlier record of the batch only for an id nothing stored
 * has, else null (not here yet).
 */
export interface References {
  venueOf(kind: 'dose' | 'checkin' | 'lot' | 'day_close', id: string): string | null;
  walkInRequest(id: string): { venueId: string; municipality: string; ticketNumber: string; venueDate: string } | null;
  /** The device's own venue has this desk. */
  hasDesk(deskId: string): boolean;
}

/** Refuses (throws a Problem) a record the device may not send. Runs before any write of the batch. */
export function checkDayRecord(device: DeviceRow, record: DayRecord, references: References): void {
  const id = record.data.id;
  if (record.data.venueId !== device.venue_id) throw problems.otherVenue(id);
  switch (record.kind) {
    case 'walkin_request':
      if (record.data.municipality !== device.municipality) throw problems.otherVenue(id);
      return;
    case 'walkin_decision': {
      const d = record.data;
      if (d.municipality !== device.municipality) throw problems.otherVenue(id);
      const request = references.walkInRequest(d.requestId);
      if (request && request.venueId !== device.venue_id) throw problems.otherVenue(id);
      if (request && (request.municipality !== d.municipality || request.ticketNumber !== d.ticketNumber || request.venueDate !== d.venueDate)) {
        throw problems.referenceMismatch(id);
      }
      return;
    }
    case 'observation_outcome': {
      const venue = references.venueOf('dose', record.data.doseId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(id);
      return;
    }
    case 'desk_lot': {
      if (!references.hasDesk(record.data.deskId)) throw problems.unknownDesk(id);
      const venue = references.venueOf('lot', record.data.lotId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(id);
      return;
    }
    case 'lot_vials': {
      const venue = references.venueOf('lot', record.data.lotId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(id);
      return;
    }
    case 'desk_doctor':
      if (!references.hasDesk(record.data.deskId)) throw problems.unknownDesk(id);
      return;
    case 'day_reopen': {
      // The close it undoes may arrive later (like a void's target); when here, it is of this venue.
      const venue = references.venueOf('day_close', record.data.closeId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(id);
      return;
    }
    case 'day_close':
    case 'discrepancy_note':
      return;
  }
}

/** The columns each kind keeps beside its body, for lookups and for the administrator. */
export function dayColumns(record: DayRecord): Record<string, string> {
  switch (record.kind) {
    case 'walkin_request': {
      const d = record.data;
      return { municipality: d.municipality, ticket_number: d.ticketNumber, venue_id: d.venueId, desk_id: d.deskId, venue_date: d.venueDate };
    }
    case 'walkin_decision': {
      const d = record.data;
      return {
        request_id: d.requestId, municipality: d.municipality, ticket_number: d.ticketNumber, venue_id: d.venueId,
        venue_date: d.venueDate, desk_id: d.deskId, decided_at: d.decidedAt,
      };
    }
    case 'observation_outcome':
      return { dose_id: record.data.doseId, venue_id: record.data.venueId, at: record.data.at };
    case 'day_close':
      return { venue_id: record.data.venueId, venue_date: record.data.venueDate, at: record.data.at };
    case 'discrepancy_note':
      return { venue_id: record.data.venueId, venue_date: record.data.venueDate };
    case 'desk_lot':
      return { venue_id: record.data.venueId, desk_id: record.data.deskId, lot_id: record.data.lotId, from_at: record.data.fromAt };
    case 'lot_vials':
      return { venue_id: record.data.venueId, venue_date: record.data.venueDate, lot_id: record.data.lotId, at: record.data.at };
    case 'day_reopen':
      return { venue_id: record.data.venueId, venue_date: record.data.venueDate, close_id: record.data.closeId, at: record.data.at };
    case 'desk_doctor':
      return { venue_id: record.data.venueId, desk_id: record.data.deskId, venue_date: record.data.venueDate };
  }
}
