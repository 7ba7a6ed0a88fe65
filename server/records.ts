import { createHash } from 'node:crypto';
import { digestOf, type RecordDigest } from '../src/sync/digest';
import type { UploadRecord, UploadResult } from '../src/sync/protocol';
import type { CentralDb, Queryable } from './db';
import { flagConflict, findConflict, markResolved } from './conflicts';
import { checkDayRecord, DAY_TABLE, isDayRecord, storeDayRecord } from './day-records';
import type { DeviceRow } from './enrollment';
import { emit, emitPeople, lockFeed, notifyFeed, peopleOfTickets, type FeedEntry } from './feed';
import { problems } from './problems';

/**
 * Records uploaded by a device: stored once per id, whatever how often they
 * arrive (a repeat with the same content is "duplicate", an id reused for
 * other content is "rejected"), clashes flagged as conflicts, and every new
 * record put on the feed of the device's venue so its other desks see it.
 * A batch with any record of another venue is refused whole: nothing is written.
 *
 * A record id belongs to the venue (so the municipality) that stored it
 * first, for good. Every record that names another (a void its target, a
 * decision its walk-in request, an outcome its dose, a desk lot or a vials
 * count its lot) is checked against what is stored, whatever else the batch
 * holds; an earlier record of the batch counts only for an id nothing stored
 * has. A void stored before its target applies only to a target of its own
 * venue and kind.
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

/**
 * Where a record named by a void stands: what is stored decides, whatever
 * the batch holds (a record of the batch carrying a stored record's id is a
 * decoy, refused as ID_REUSED when its turn comes); an earlier record of the
 * batch counts only for an id nothing stored has yet.
 */
async function venueOfTarget(tx: Queryable, inBatch: ReadonlyMap<string, UploadRecord>, kind: 'dose' | 'checkin', id: string): Promise<string | null> {
  const [stored] = await tx.query<{ venue_id: string }>(`SELECT venue_id FROM ${kind === 'dose' ? 'dose_records' : 'checkins'} WHERE id = $1`, [id]);
  if (stored) return stored.venue_id;
  const earlier = inBatch.get(id);
  return earlier?.kind === kind ? earlier.data.venueId : null;
}

/** Refuses the batch if anything in it is not the device's own venue's, or names another venue's record. Runs before any write. */
async function checkOwnership(tx: Queryable, device: DeviceRow, records: readonly UploadRecord[]): Promise<void> {
  const inBatch = new Map<string, UploadRecord>();
  for (const record of records) {
    if (isDayRecord(record)) {
      await checkDayRecord(tx, device, record, inBatch);
      if (!inBatch.has(record.data.id)) inBatch.set(record.data.id, record);
      continue;
    }
    const data = record.data;
    if ((record.kind === 'checkin' || record.kind === 'dose') && (record.data.venueId !== device.venue_id || record.data.municipality !== device.municipality)) {
      throw problems.otherVenue(data.id);
    }
    if (record.kind === 'lot' && record.data.venueId !== device.venue_id) throw problems.otherVenue(data.id);
    if (record.kind === 'void') {
      const venue = await venueOfTarget(tx, inBatch, record.data.targetKind, record.data.targetId);
      if (venue !== null && venue !== device.venue_id) throw problems.otherVenue(data.id);
    }
    if (record.kind === 'resolution') {
      const conflict = await findConflict(tx, record.data.conflictId);
      if (conflict && (conflict.municipality !== device.municipality || !conflict.venue_ids.includes(device.venue_id))) throw problems.otherVenue(data.id);
    }
    // The first record with an id is the one a later reference may lean on.
    if (!inBatch.has(data.id)) inBatch.set(data.id, record);
  }
}

/** The venue a stored record belongs to: its own column, or its device's venue for kinds without one. */
function ownerOf(kind: UploadRecord['kind']): string {
  return kind === 'audit_head' || kind === 'resolution' ? `(SELECT d.venue_id FROM devices d WHERE d.id = t.device_id)` : 't.venue_id';
}

/**
 * An id already stored: "duplicate" when it is the same record of the same
 * venue (a repeat, or a desk enrolled again sending its records again);
 * otherwise rejected: a record id never changes owner.
 */
async function repeated(tx: Queryable, device: DeviceRow, kind: UploadRecord['kind'], id: string, hash: string): Promise<UploadResult> {
  const [row] = await tx.query<{ body_hash: string; owner: string | null }>(`SELECT t.body_hash, ${ownerOf(kind)} AS owner FROM ${TABLE[kind]} t WHERE t.id = $1`, [id]);
  if (row?.body_hash === hash && row.owner === device.venue_id) return { id, status: 'duplicate' };
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
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, (SELECT id FROM voids WHERE target_id = $1 AND target_kind = 'checkin' AND venue_id = $4 ORDER BY id LIMIT 1))
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [d.id, d.municipality, d.ticketNumber, d.venueId, d.deskId, b.device.id, d.venueDate, d.at, body, hash, b.now],
  );
  if (inserted.length === 0) return repeated(b.tx, b.device, 'checkin', d.id, hash);
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
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, (SELECT id FROM voids WHERE target_id = $1 AND target_kind = 'dose' AND venue_id = $6 ORDER BY id LIMIT 1))
     ON CONFLICT (id) DO NOTHING RETURNING voided_by`,
    [d.id, d.municipality, d.ticketNumber, d.doseNumber, d.status, d.venueId, d.deskId, b.device.id, d.venueDate, d.givenAt, d.recordedAt, d.productId, body, hash, b.now],
  );
  const row = inserted[0];
  if (!row) return repeated(b.tx, b.device, 'dose', d.id, hash);
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
  if (inserted.length === 0) return repeated(b.tx, b.device, 'void', d.id, hash);
  // A target not here yet picks the void up when it arrives (see the inserts above), if it is of the void's venue.
  // The venue test again here: a target stored meanwhile by another municipality's upload (not serialised with this one) stays untouched.
  const table = d.targetKind === 'dose' ? 'dose_records' : 'checkins';
  const [target] = await b.tx.query<{ ticket_number: string }>(
    `UPDATE ${table} SET voided_by = $1 WHERE id = $2 AND venue_id = $3 AND voided_by IS NULL RETURNING ticket_number`,
    [d.id, d.targetId, b.device.venue_id],
  );
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
  if (inserted.length === 0) return repeated(b.tx, b.device, 'lot', d.id, hash);
  b.feed.push({ venueId: d.venueId, kind: 'lot', key: d.id, body });
  return { id: d.id, status: 'stored' };
}

async function storeAuditHead(b: Batch, record: Extract<UploadRecord, { kind: 'audit_head' }>, body: string, hash: string): Promise<UploadResult> {
  const d = record.data;
  const inserted = await b.tx.query(
    `INSERT INTO audit_heads (id, device_id, seq, hash, at, body, body_hash, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [d.id, b.device.id, d.seq, d.hash, d.at, body, hash, b.now],
  );
  return inserted.length === 0 ? repeated(b.tx, b.device, 'audit_head', d.id, hash) : { id: d.id, status: 'stored' };
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
  if (inserted.length === 0) return repeated(b.tx, b.device, 'resolution', d.id, hash);
  await markResolved(b.tx, d.conflictId, d.staffId, d.note, b.now);
  return { id: d.id, status: 'stored' };
}

function storeOne(b: Batch, record: UploadRecord): Promise<UploadResult> {
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
      return storeDayRecord({ ...b, repeated: (kind, id, h) => repeated(b.tx, b.device, kind, id, h) }, record, body, hash);
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
