import type { UploadRecord } from '../src/sync/protocol';
import type { Queryable } from './db';
import { prepared } from './queryable';
import { DAY_TABLE, dayColumns, isDayRecord } from './day-records';
import type { DeviceRow } from './device-row';

/**
 * The table rows uploaded records become, and their insertion in bulk: one
 * statement per table for a whole batch (arrays through unnest), never one
 * round trip per record.
 */

export const TABLE = {
  checkin: 'checkins',
  dose: 'dose_records',
  void: 'voids',
  lot: 'lots',
  audit_head: 'audit_heads',
  resolution: 'resolutions',
  ...DAY_TABLE,
} as const satisfies Record<UploadRecord['kind'], string>;

export type RecordTable = (typeof TABLE)[UploadRecord['kind']];

/** A row's columns besides received_at, in a fixed order per kind. Numbers are the only non-text columns. */
export type Row = Readonly<Record<string, string | number | null>>;

/** Columns that are not text: everything else is passed as text[]. */
const COLUMN_TYPES: Readonly<Record<string, 'integer' | 'bigint'>> = { dose_number: 'integer', seq: 'bigint' };

/** The row a record is stored as (body and hash beside its lookup columns). */
export function rowOf(record: UploadRecord, device: DeviceRow, body: string, hash: string): Row {
  const tail = { device_id: device.id, body, body_hash: hash };
  if (isDayRecord(record)) return { id: record.data.id, ...dayColumns(record), ...tail };
  switch (record.kind) {
    case 'checkin': {
      const d = record.data;
      return { id: d.id, municipality: d.municipality, ticket_number: d.ticketNumber, venue_id: d.venueId, desk_id: d.deskId, venue_date: d.venueDate, at: d.at, ...tail };
    }
    case 'dose': {
      const d = record.data;
      return {
        id: d.id, municipality: d.municipality, ticket_number: d.ticketNumber, dose_number: d.doseNumber, status: d.status, venue_id: d.venueId, desk_id: d.deskId,
        venue_date: d.venueDate, given_at: d.givenAt, recorded_at: d.recordedAt, product_id: d.productId, ...tail,
      };
    }
    case 'void':
      // A void carries no venue of its own: it is the venue of the device that sent it.
      return { id: record.data.id, target_kind: record.data.targetKind, target_id: record.data.targetId, venue_id: device.venue_id, ...tail };
    case 'lot': {
      const d = record.data;
      return { id: d.id, venue_id: d.venueId, product_id: d.productId, lot_number: d.lotNumber, expiry: d.expiry, ...tail };
    }
    case 'audit_head':
      return { id: record.data.id, seq: record.data.seq, hash: record.data.hash, at: record.data.at, ...tail };
    case 'resolution': {
      const d = record.data;
      return { id: d.id, conflict_id: d.conflictId, staff_id: d.staffId, at: d.at, note: d.note, ...tail };
    }
  }
}

/**
 * Inserts rows of one table in one statement; returns the ids actually
 * inserted (an id another transaction stored meanwhile is left as it is:
 * ON CONFLICT DO NOTHING). Rows go in id order, so two batches sharing ids
 * (a retry overtaking its first attempt) wait on each other instead of deadlocking.
 */
export async function insertRows(tx: Queryable, table: RecordTable, rows: readonly Row[], receivedAt: Date): Promise<Set<string>> {
  const first = rows[0];
  if (!first) return new Set();
  const sorted = [...rows].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
  const columns = Object.keys(first);
  const arrays = columns.map((column) => sorted.map((row) => row[column] ?? null));
  const unnest = columns.map((column, i) => `$${i + 1}::${COLUMN_TYPES[column] ?? 'text'}[]`).join(', ');
  const inserted = await tx.query<{ id: string }>(
    // One text per table and kind of record: kept prepared.
    prepared(`INSERT INTO ${table} (${columns.join(', ')}, received_at)
     SELECT u.*, $${columns.length + 1}::timestamptz FROM unnest(${unnest}) AS u(${columns.join(', ')})
     ON CONFLICT (id) DO NOTHING RETURNING id`),
    [...arrays, receivedAt],
  );
  return new Set(inserted.map((row) => row.id));
}
