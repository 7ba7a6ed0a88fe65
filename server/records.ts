import { createHash } from 'node:crypto';
import { digestOf, type RecordDigest } from '../src/sync/digest';
import type { UploadRecord, UploadResult } from '../src/sync/protocol';
import type { CentralDb, Queryable } from './db';
import { flagConflict, findConflict, markResolved } from './conflicts';
import { checkDayRecord, DAY_TABLE, isDayRecord, storeDayRecord } from './day-records';
import type { DeviceRow } from './enrollment';
import { emit, emitPeople, lockFeed, notifyFeed, peopleOfTickets, type FeedEntry } from './feed';
import { problems } from './problems';
import { timeAfterReceipt } from './record-times';

/**
 * Records uploaded by a device: stored once per id, whatever how often they
 * arrive (a repeat with the same content is "duplicate", an id reused for
 * other content is "rejected"), clashes flagged as conflicts, and every new
 * record put on the feed of the device's venue so its other desks see it.
 * A batch with any record of another venue is refused whole: nothing is written.
 */

const TABLE = {
  checkin: 'checkins',
  dose: 'dose_records',
  void: 'voids',
  lot: 'lots',
  audit_head: 'audit_heads',
  resolution: 'resolutions',
  ...DAY_TABLE,
} as const satisfies Record<UploadRecord['kind'], string>;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Refuses the batch if anything in it is not the device's own venue's. Runs before any write. */
async function checkOwnership(tx: Queryable, device: DeviceRow, records: readonly UploadRecord[]): Promise<void> {
  const inBatch = new Map<string, UploadRecord>();
  for (const record of records) {
    if (isDayRecord(record)) {
      await checkDayRecord(tx, device, record, inBatch);
      inBatch.set(record.data.id, record);
      continue;
    }
    const data = record.data;
    if ((record.kind === 'checkin' || record.kind === 'dose') && (record.data.venueId !== device.venue_id || record.data.municipality !== device.municipality)) {
      throw problems.otherVenue(data.id);
    }
    if (record.kind === 'lot' && record.data.venueId !== device.venue_id) throw problems.otherVenue(data.id);
    if (record.kind === 'void' && !inBatch.has(record.data.targetId)) {
      const table = record.data.targetKind === 'dose' ? 'dose_records' : 'checkins';
      const [target] = await tx.query<{ venue_id: string }>(`SELECT venue_id FROM ${table} WHERE id = $1`, [record.data.targetId]);
      if (target && target.venue_id !== device.venue_id) throw problems.otherVenue(data.id);
    }
    if (record.kind === 'resolution') {
      const conflict = await findConflict(tx, record.data.conflictId);
      if (conflict && (conflict.municipality !== device.municipality || !conflict.venue_ids.includes(device.venue_id))) throw problems.otherVenue(data.id);
    }
    inBatch.set(data.id, record);
  }
}

async function repeated(tx: Queryable, kind: UploadRecord['kind'], id: string, hash: string): Promise<UploadResult> {
  const [row] = await tx.query<{ body_hash: string }>(`SELECT body_hash FROM ${TABLE[kind]} WHERE id = $1`, [id]);
  if (row?.body_hash === hash) return { id, status: 'duplicate' };
  return { id, status: 'rejected', error: { code: 'ID_REUSED', message: 'A different record with this id is already stored.' } };
}

interface Batch {
  readonly tx: Queryable;
  readonly device: DeviceRow;
  readonly now: Date;
  readonly feed: FeedEntry[];
  /** Tickets whose person must be sent again (a dose given or voided). */
  readonly tickets: Set<string>;
}

async function storeCheckin(b: Batch, record: Extract<UploadRecord, { kind: 'checkin' }>, body: string, hash: string): Promise<UploadResult> {
  const d = record.data;
  const inserted = await b.tx.query(
    `INSERT INTO checkins (id, municipality, ticket_number, venue_id, desk_id, device_id, venue_date, at, body, body_hash, received_at, voided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, (SELECT id FROM voids WHERE target_id = $1 LIMIT 1))
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [d.id, d.municipality, d.ticketNumber, d.venueId, d.deskId, b.device.id, d.venueDate, d.at, body, hash, b.now],
  );
  if (inserted.length === 0) return repeated(b.tx, 'checkin', d.id, hash);
  b.feed.push({ venueId: d.venueId, kind: 'checkin', key: d.id, body });
  const others = await b.tx.query<{ id: string; venue_id: string }>(
    `SELECT id, venue_id FROM checkins WHERE municipality = $1 AND ticket_number = $2 AND venue_date = $3 AND voided_by IS NULL AND id <> $4`,
    [d.municipality, d.ticketNumber, d.venueDate, d.id],
  );
  if (others.length === 0) return { id: d.id, status: 'stored' };
  const conflict = await flagConflict(
    b.tx,
    { kind: 'checkin', municipality: d.municipality, ticketNumber: d.ticketNumber, doseNumber: d.doseNumber, venueDate: d.venueDate },
    [...others.map((o) => ({ id: o.id, venueId: o.venue_id })), { id: d.id, venueId: d.venueId }],
    b.now,
  );
  return { id: d.id, status: 'conflict', conflict };
}

async function storeDose(b: Batch, record: Extract<UploadRecord, { kind: 'dose' }>, body: string, hash: string): Promise<UploadResult> {
  const d = record.data;
  const inserted = await b.tx.query<{ voided_by: string | null }>(
    `INSERT INTO dose_records (id, municipality, ticket_number, dose_number, status, venue_id, desk_id, device_id, venue_date, given_at, recorded_at, product_id,
       body, body_hash, received_at, voided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, (SELECT id FROM voids WHERE target_id = $1 LIMIT 1))
     ON CONFLICT (id) DO NOTHING RETURNING voided_by`,
    [d.id, d.municipality, d.ticketNumber, d.doseNumber, d.status, d.venueId, d.deskId, b.device.id, d.venueDate, d.givenAt, d.recordedAt, d.productId, body, hash, b.now],
  );
  const row = inserted[0];
  if (!row) return repeated(b.tx, 'dose', d.id, hash);
  b.feed.push({ venueId: d.venueId, kind: 'dose', key: d.id, body });
  if (d.status !== 'performed' || row.voided_by) return { id: d.id, status: 'stored' };
  // Every venue of the municipality must know the person has had this dose.
  b.tickets.add(d.ticketNumber);
  const others = await b.tx.query<{ id: string; venue_id: string }>(
    `SELECT id, venue_id FROM dose_records
     WHERE municipality = $1 AND ticket_number = $2 AND dose_number = $3 AND status = 'performed' AND voided_by IS NULL AND id <> $4`,
    [d.municipality, d.ticketNumber, d.doseNumber, d.id],
  );
  if (others.length === 0) return { id: d.id, status: 'stored' };
  const conflict = await flagConflict(
    b.tx,
    { kind: 'dose', municipality: d.municipality, ticketNumber: d.ticketNumber, doseNumber: d.doseNumber, venueDate: d.venueDate },
    [...others.map((o) => ({ id: o.id, venueId: o.venue_id })), { id: d.id, venueId: d.venueId }],
    b.now,
  );
  return { id: d.id, status: 'conflict', conflict };
}

async function storeVoid(b: Batch, record: Extract<UploadRecord, { kind: 'void' }>, body: string, hash: string): Promise<UploadResult> {
  const d = record.data;
  const inserted = await b.tx.query(
    `INSERT INTO voids (id, target_kind, target_id, venue_id, device_id, body, body_hash, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [d.id, d.targetKind, d.targetId, b.device.venue_id, b.device.id, body, hash, b.now],
  );
  if (inserted.length === 0) return repeated(b.tx, 'void', d.id, hash);
  // A target not here yet picks the void up when it arrives (see the inserts above).
  const table = d.targetKind === 'dose' ? 'dose_records' : 'checkins';
  const [target] = await b.tx.query<{ ticket_number: string }>(`UPDATE ${table} SET voided_by = $1 WHERE id = $2 AND voided_by IS NULL RETURNING ticket_number`, [
    d.id,
    d.targetId,
  ]);
  if (target && d.targetKind === 'dose') b.tickets.add(target.ticket_number);
  b.feed.push({ venueId: b.device.venue_id, kind: 'void', key: d.id, body });
  return { id: d.id, status: 'stored' };
}

async function storeLot(b: Batch, record: Extract<UploadRecord, { kind: 'lot' }>, body: string, hash: string): Promise<UploadResult> {
  const d = record.data;
  const inserted = await b.tx.query(
    `INSERT INTO lots (id, venue_id, device_id, product_id, lot_number, expiry, body, body_hash, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [d.id, d.venueId, b.device.id, d.productId, d.lotNumber, d.expiry, body, hash, b.now],
  );
  if (inserted.length === 0) return repeated(b.tx, 'lot', d.id, hash);
  b.feed.push({ venueId: d.venueId, kind: 'lot', key: d.id, body });
  return { id: d.id, status: 'stored' };
}

async function storeAuditHead(b: Batch, record: Extract<UploadRecord, { kind: 'audit_head' }>, body: string, hash: string): Promise<UploadResult> {
  const d = record.data;
  const inserted = await b.tx.query(
    `INSERT INTO audit_heads (id, device_id, seq, hash, at, body, body_hash, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [d.id, b.device.id, d.seq, d.hash, d.at, body, hash, b.now],
  );
  return inserted.length === 0 ? repeated(b.tx, 'audit_head', d.id, hash) : { id: d.id, status: 'stored' };
}

async function storeResolution(b: Batch, record: Extract<UploadRecord, { kind: 'resolution' }>, body: string, hash: string): Promise<UploadResult> {
  const d = record.data;
  if (!(await findConflict(b.tx, d.conflictId))) {
    return { id: d.id, status: 'rejected', error: { code: 'UNKNOWN_CONFLICT', message: 'There is no such conflict.' } };
  }
  const inserted = await b.tx.query(
    `INSERT INTO resolutions (id, conflict_id, device_id, staff_id, at, note, body, body_hash, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [d.id, d.conflictId, b.device.id, d.staffId, d.at, d.note, body, hash, b.now],
  );
  if (inserted.length === 0) return repeated(b.tx, 'resolution', d.id, hash);
  await markResolved(b.tx, d.conflictId, d.staffId, d.note, b.now);
  return { id: d.id, status: 'stored' };
}

function storeOne(b: Batch, record: UploadRecord): Promise<UploadResult> {
  // A time after this receipt (a desk clock set wrong) is refused with the reason, not stored.
  const late = timeAfterReceipt(record, b.now);
  if (late) return Promise.resolve({ id: record.data.id, status: 'rejected', error: late });
  // Stored exactly as parsed (keys in schema order): the same record always has the same body and hash.
  const body = JSON.stringify(record.data);
  const hash = sha256(body);
  switch (record.kind) {
    case 'checkin':
      return storeCheckin(b, record, body, hash);
    case 'dose':
      return storeDose(b, record, body, hash);
    case 'void':
      return storeVoid(b, record, body, hash);
    case 'lot':
      return storeLot(b, record, body, hash);
    case 'audit_head':
      return storeAuditHead(b, record, body, hash);
    case 'resolution':
      return storeResolution(b, record, body, hash);
    default:
      return storeDayRecord({ ...b, repeated: (kind, id, h) => repeated(b.tx, kind, id, h) }, record, body, hash);
  }
}

export async function storeRecords(db: CentralDb, device: DeviceRow, records: readonly UploadRecord[], now: Date): Promise<UploadResult[]> {
  return db.transaction(async (tx) => {
    await lockFeed(tx, device.municipality);
    await checkOwnership(tx, device, records);
    const batch: Batch = { tx, device, now, feed: [], tickets: new Set() };
    const results: UploadResult[] = [];
    for (const record of records) results.push(await storeOne(batch, record));
    await emit(tx, device.municipality, batch.feed);
    await emitPeople(tx, device.municipality, await peopleOfTickets(tx, device.municipality, [...batch.tickets]));
    if (results.some((r) => r.status === 'stored' || r.status === 'conflict')) await notifyFeed(tx, device.municipality);
    return results;
  });
}

/** What the server holds from one device, as a digest comparable with the device's own (outboxDigest). */
export async function deviceDigest(db: CentralDb, deviceId: string): Promise<RecordDigest> {
  const rows = await db.query<{ id: string; kind: string; body_hash: string }>(
    Object.entries(TABLE)
      .map(([kind, table]) => `SELECT id, '${kind}' AS kind, body_hash FROM ${table} WHERE device_id = $1`)
      .join(' UNION ALL '),
    [deviceId],
  );
  return digestOf(rows.map((r) => ({ id: r.id, kind: r.kind, bodyHash: r.body_hash })));
}
