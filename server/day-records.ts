import type { DayKind, UploadRecord, UploadResult } from '../src/sync/protocol';
import { DAY_KINDS } from '../src/sync/protocol';
import { flagConflict } from './conflicts';
import type { Queryable } from './db';
import type { DeviceRow } from './enrollment';
import type { FeedEntry } from './feed';
import { problems } from './problems';

/**
 * The supervisor's-day records (walk-in requests and decisions, observation
 * outcomes, day closes, explanations, desk lots, vials): stored once per id
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
} as const satisfies Record<DayKind, string>;

export function isDayRecord(record: UploadRecord): record is DayRecord {
  return (DAY_KINDS as readonly string[]).includes(record.kind);
}

/**
 * Earlier records of the same batch, by id: what a record may name before
 * any of it is stored. Only for ids nothing stored has: what is stored
 * decides (a record of the batch carrying a stored id is a decoy).
 */
export type BatchIndex = ReadonlyMap<string, UploadRecord>;

async function venueOfRecord(tx: Queryable, batch: BatchIndex, kind: 'dose' | 'lot', id: string): Promise<string | null> {
  const [row] = await tx.query<{ venue_id: string }>(`SELECT venue_id FROM ${kind === 'dose' ? 'dose_records' : 'lots'} WHERE id = $1`, [id]);
  if (row) return row.venue_id;
  const earlier = batch.get(id);
  return earlier?.kind === kind ? earlier.data.venueId : null;
}

async function walkInRequest(tx: Queryable, batch: BatchIndex, id: string): Promise<{ venueId: string; municipality: string; ticketNumber: string; venueDate: string } | null> {
  const [row] = await tx.query<{ venue_id: string; municipality: string; ticket_number: string; venue_date: string }>(
    `SELECT venue_id, municipality, ticket_number, venue_date FROM walkin_requests WHERE id = $1`,
    [id],
  );
  if (row) return { venueId: row.venue_id, municipality: row.municipality, ticketNumber: row.ticket_number, venueDate: row.venue_date };
  const earlier = batch.get(id);
  return earlier?.kind === 'walkin_request' ? earlier.data : null;
}

/** Refuses (throws a Problem) a record the device may not send. Runs before any write of the batch. */
export async function checkDayRecord(tx: Queryable, device: DeviceRow, record: DayRecord, batch: BatchIndex): Promise<void> {
  const id = record.data.id;
  if (record.data.venueId !== device.venue_id) throw problems.otherVenue(id);
  switch (record.kind) {
    case 'walkin_request':
      if (record.data.municipality !== device.municipality) throw problems.otherVenue(id);
      return;
    case 'walkin_decision': {
      const d = record.data;
      if (d.municipality !== device.municipality) throw problems.otherVenue(id);
      const request = await walkInRequest(tx, batch, d.requestId);
      if (request && request.venueId !== device.venue_id) throw problems.otherVenue(id);
      if (request && (request.municipality !== d.municipality || request.ticketNumber !== d.ticketNumber || request.venueDate !== d.venueDate)) {
        throw problems.referenceMismatch(id);
      }
      return;
    }
    case 'observation_outcome': {
      const venue = await venueOfRecord(tx, batch, 'dose', record.data.doseId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(id);
      return;
    }
    case 'desk_lot': {
      const [desk] = await tx.query(`SELECT 1 FROM desks WHERE venue_id = $1 AND id = $2`, [device.venue_id, record.data.deskId]);
      if (!desk) throw problems.unknownDesk(id);
      const venue = await venueOfRecord(tx, batch, 'lot', record.data.lotId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(id);
      return;
    }
    case 'lot_vials': {
      const venue = await venueOfRecord(tx, batch, 'lot', record.data.lotId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(id);
      return;
    }
    case 'day_close':
    case 'discrepancy_note':
      return;
  }
}

/** The columns each kind keeps beside its body, for lookups and for the administrator. */
function columnsOf(record: DayRecord): Record<string, string> {
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
  }
}

export interface DayStore {
  readonly tx: Queryable;
  readonly device: DeviceRow;
  readonly now: Date;
  readonly feed: FeedEntry[];
  readonly repeated: (kind: DayKind, id: string, hash: string) => Promise<UploadResult>;
}

/** Stores one record (new: on the venue's feed; a second decision on one walk-in request: flagged as a conflict). */
export async function storeDayRecord(s: DayStore, record: DayRecord, body: string, hash: string): Promise<UploadResult> {
  const id = record.data.id;
  const columns = { id, ...columnsOf(record), device_id: s.device.id, body, body_hash: hash };
  const names = Object.keys(columns);
  const inserted = await s.tx.query(
    `INSERT INTO ${DAY_TABLE[record.kind]} (${names.join(', ')}, received_at) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, $${names.length + 1})
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [...Object.values(columns), s.now],
  );
  if (inserted.length === 0) return s.repeated(record.kind, id, hash);
  s.feed.push({ venueId: s.device.venue_id, kind: record.kind, key: id, body });
  if (record.kind !== 'walkin_decision') return { id, status: 'stored' };
  return flagDoubleDecision(s, record);
}

/**
 * Two supervisors decided one request (their devices were apart). Both
 * decisions are kept; every device applies the earliest; the supervisors
 * are told, through a conflict, so the later one never wins or loses silently.
 * Only decisions of the same venue count: a request belongs to one venue.
 */
async function flagDoubleDecision(s: DayStore, record: Extract<DayRecord, { kind: 'walkin_decision' }>): Promise<UploadResult> {
  const d = record.data;
  const others = await s.tx.query<{ id: string; venue_id: string }>(`SELECT id, venue_id FROM walkin_decisions WHERE request_id = $1 AND venue_id = $2 AND id <> $3`, [
    d.requestId,
    d.venueId,
    d.id,
  ]);
  if (others.length === 0) return { id: d.id, status: 'stored' };
  const conflict = await flagConflict(
    s.tx,
    { kind: 'walkin', municipality: d.municipality, ticketNumber: d.ticketNumber, doseNumber: null, venueDate: d.venueDate, subject: d.requestId },
    [...others.map((o) => ({ id: o.id, venueId: o.venue_id })), { id: d.id, venueId: d.venueId }],
    s.now,
  );
  return { id: d.id, status: 'conflict', conflict };
}
