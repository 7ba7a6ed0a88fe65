import type { UploadRecord } from '../src/sync/protocol';
import type { Queryable } from './db';
import { prepared } from './queryable';
import { checkDayRecord, isDayRecord, type References } from './day-records';
import type { DeviceRow } from './device-row';
import { problems } from './problems';
import { TABLE, type RecordTable } from './record-rows';

/**
 * Who owns what an upload touches. A record id belongs to the venue (so the
 * municipality) that stored it first, for good. Every record that names
 * another (a void its target, a decision its walk-in request, an outcome its
 * dose, a desk lot or a vials count its lot, a reopen its close, a resolution
 * its conflict) is
 * checked against what is stored, whatever else the batch holds; an earlier
 * record of the batch counts only for an id nothing stored has (a record of
 * the batch carrying a stored id is a decoy, and is rejected as ID_REUSED).
 *
 * Everything a batch names is read in one query before any write; the checks
 * then run in memory, record by record, in batch order.
 */

/** A stored row the batch names: a record (its hash and owning venue), a conflict, or a desk. */
export interface StoredRow {
  readonly bodyHash: string | null;
  /** The venue the row belongs to (for audit heads and resolutions: the venue of the device that sent it). */
  readonly owner: string | null;
  readonly municipality: string | null;
  readonly ticketNumber: string | null;
  readonly venueDate: string | null;
  readonly venueIds: readonly string[] | null;
}

type Looked = RecordTable | 'conflicts' | 'desks';

export class StoredIndex {
  private readonly rows = new Map<string, StoredRow>();

  set(table: Looked, id: string, row: StoredRow): void {
    this.rows.set(`${table}\u0000${id}`, row);
  }

  get(table: Looked, id: string): StoredRow | undefined {
    return this.rows.get(`${table}\u0000${id}`);
  }
}

/** The ids each table must be read for: the batch's own, and those its records name. */
function wanted(device: DeviceRow, records: readonly UploadRecord[]): Map<Looked, Set<string>> {
  const ids = new Map<Looked, Set<string>>();
  const want = (table: Looked, id: string) => {
    let set = ids.get(table);
    if (!set) ids.set(table, (set = new Set()));
    set.add(id);
  };
  for (const record of records) {
    want(TABLE[record.kind], record.data.id);
    switch (record.kind) {
      case 'void':
        want(record.data.targetKind === 'dose' ? 'dose_records' : 'checkins', record.data.targetId);
        break;
      case 'resolution':
        want('conflicts', record.data.conflictId);
        break;
      case 'walkin_decision':
        want('walkin_requests', record.data.requestId);
        break;
      case 'observation_outcome':
        want('dose_records', record.data.doseId);
        break;
      case 'desk_lot':
        want('lots', record.data.lotId);
        if (record.data.venueId === device.venue_id) want('desks', record.data.deskId);
        break;
      case 'lot_vials':
        want('lots', record.data.lotId);
        break;
      case 'desk_doctor':
        if (record.data.venueId === device.venue_id) want('desks', record.data.deskId);
        break;
      case 'day_reopen':
        want('day_closes', record.data.closeId);
        break;
      default:
        break;
    }
  }
  return ids;
}

/** The SELECT of one table in the lookup, its ids as parameter `p`; every branch has the same columns under the same names. */
function lookupOf(table: Looked, p: number, venueParam: number): string {
  const columns = (c: { hash?: string; owner?: string; municipality?: string; ticket?: string; date?: string; venues?: string }) =>
    `'${table}'::text AS t, r.id, ${c.hash ?? 'NULL::text'} AS body_hash, ${c.owner ?? 'NULL::text'} AS owner, ${c.municipality ?? 'NULL::text'} AS municipality, ` +
    `${c.ticket ?? 'NULL::text'} AS ticket_number, ${c.date ?? 'NULL::text'} AS venue_date, ${c.venues ?? 'NULL::text[]'} AS venue_ids`;
  const ids = `r.id = ANY($${p}::text[])`;
  switch (table) {
    case 'conflicts':
      return `SELECT ${columns({ municipality: 'r.municipality', venues: 'r.venue_ids' })} FROM conflicts r WHERE ${ids}`;
    case 'desks':
      return `SELECT ${columns({ owner: 'r.venue_id' })} FROM desks r WHERE r.venue_id = $${venueParam} AND ${ids}`;
    case 'walkin_requests':
      return `SELECT ${columns({ hash: 'r.body_hash', owner: 'r.venue_id', municipality: 'r.municipality', ticket: 'r.ticket_number', date: 'r.venue_date' })} FROM walkin_requests r WHERE ${ids}`;
    case 'audit_heads':
    case 'resolutions':
      return `SELECT ${columns({ hash: 'r.body_hash', owner: 'd.venue_id' })} FROM ${table} r LEFT JOIN devices d ON d.id = r.device_id WHERE ${ids}`;
    default:
      return `SELECT ${columns({ hash: 'r.body_hash', owner: 'r.venue_id' })} FROM ${table} r WHERE ${ids}`;
  }
}

/** Reads, in one round trip, every stored row the batch names or reuses the id of. */
export async function loadStored(tx: Queryable, device: DeviceRow, records: readonly UploadRecord[]): Promise<StoredIndex> {
  const index = new StoredIndex();
  const ids = wanted(device, records);
  if (ids.size === 0) return index;
  const tables = [...ids.keys()];
  // The device's venue is the last parameter (only the desks' lookup uses it: every parameter must be used).
  const venueParam = tables.length + 1;
  // One text per set of tables named (a batch of doses names one): kept prepared, up to the cap.
  const sql = prepared(tables.map((table, i) => lookupOf(table, i + 1, venueParam)).join('\nUNION ALL\n'));
  const rows = await tx.query<{
    t: Looked;
    id: string;
    body_hash: string | null;
    owner: string | null;
    municipality: string | null;
    ticket_number: string | null;
    venue_date: string | null;
    venue_ids: string[] | null;
  }>(sql, [...tables.map((table) => [...(ids.get(table) ?? [])]), ...(ids.has('desks') ? [device.venue_id] : [])]);
  for (const row of rows) {
    index.set(row.t, row.id, {
      bodyHash: row.body_hash,
      owner: row.owner,
      municipality: row.municipality,
      ticketNumber: row.ticket_number,
      venueDate: row.venue_date,
      venueIds: row.venue_ids,
    });
  }
  return index;
}

/**
 * What a reference resolves to: the stored record if there is one, else a
 * record earlier in the batch with that id (only when nothing stored has it),
 * else nothing yet (it may arrive later: accepted, as after a central restore).
 */
function referencesOf(stored: StoredIndex, earlier: ReadonlyMap<string, UploadRecord>): References {
  const inBatch = (kind: UploadRecord['kind'], id: string) => earlier.get(`${kind}\u0000${id}`) ?? null;
  return {
    venueOf(kind, id) {
      const row = stored.get(TABLE[kind], id);
      if (row) return row.owner;
      const record = inBatch(kind, id);
      return record?.kind === 'dose' || record?.kind === 'checkin' || record?.kind === 'lot' || record?.kind === 'day_close' ? record.data.venueId : null;
    },
    walkInRequest(id) {
      const row = stored.get('walkin_requests', id);
      if (row) return { venueId: row.owner ?? '', municipality: row.municipality ?? '', ticketNumber: row.ticketNumber ?? '', venueDate: row.venueDate ?? '' };
      const record = inBatch('walkin_request', id);
      return record?.kind === 'walkin_request' ? record.data : null;
    },
    hasDesk(deskId) {
      return stored.get('desks', deskId) !== undefined;
    },
  };
}

/** Refuses (throws a Problem) the whole batch if any record is not the device's own venue's or names another venue's record. */
export function checkOwnership(device: DeviceRow, records: readonly UploadRecord[], stored: StoredIndex): void {
  const earlier = new Map<string, UploadRecord>();
  const references = referencesOf(stored, earlier);
  for (const record of records) {
    const id = record.data.id;
    if (isDayRecord(record)) checkDayRecord(device, record, references);
    else checkRecord(device, record, references, stored);
    const key = `${record.kind}\u0000${id}`;
    // Only an id nothing stored has may be leaned on by a later record of the batch; the first such record counts.
    if (!stored.get(TABLE[record.kind], id) && !earlier.has(key)) earlier.set(key, record);
  }
}

function checkRecord(device: DeviceRow, record: UploadRecord, references: References, stored: StoredIndex): void {
  const id = record.data.id;
  switch (record.kind) {
    case 'checkin':
    case 'dose':
      if (record.data.venueId !== device.venue_id || record.data.municipality !== device.municipality) throw problems.otherVenue(id);
      return;
    case 'lot':
      if (record.data.venueId !== device.venue_id) throw problems.otherVenue(id);
      return;
    case 'void': {
      const venue = references.venueOf(record.data.targetKind, record.data.targetId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(id);
      return;
    }
    case 'resolution': {
      const conflict = stored.get('conflicts', record.data.conflictId);
      if (conflict && (conflict.municipality !== device.municipality || !(conflict.venueIds ?? []).includes(device.venue_id))) throw problems.otherVenue(id);
      return;
    }
    case 'audit_head':
      return;
    default:
      return;
  }
}
