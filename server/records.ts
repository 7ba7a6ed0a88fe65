import { createHash } from 'node:crypto';
import { refusalBody } from '../src/common/refusal';
import { digestOf, type RecordDigest } from '../src/sync/digest';
import type { UploadRecord, UploadResult } from '../src/sync/protocol';
import { markResolved } from './conflicts';
import type { CentralDb } from './db';
import type { DeviceRow } from './device-row';
import { lockFeed, publishUpload, type FeedEntry } from './feed';
import { checkOwnership, loadStored, type StoredRow } from './ownership';
import { applyEffects } from './record-effects';
import { insertRows, rowOf, TABLE, type RecordTable, type Row } from './record-rows';
import { timeAfterReceipt } from './record-times';

/**
 * Records uploaded by a device: stored once per id, whatever how often they
 * arrive (a repeat with the same content is "duplicate", an id reused for
 * other content is "rejected"), clashes flagged as conflicts, and every new
 * record put on the feed of the device's venue so its other desks see it.
 * A batch with any record of another venue, or naming another venue's
 * record, is refused whole: nothing is written (ownership.ts). A record id
 * belongs to the venue that stored it first, for good.
 */

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface Item {
  readonly record: UploadRecord;
  /** Stored exactly as parsed (keys in schema order): the same record always has the same body and hash. */
  readonly body: string;
  readonly hash: string;
}

function rejected(id: string): UploadResult {
  return { id, status: 'rejected', error: refusalBody('ID_REUSED', { ja: 'この ID の別の記録が既に保存されています。', en: 'A different record with this id is already stored.' }) };
}

/**
 * An id already stored: "duplicate" when it is the same record of the same
 * venue (a repeat, or a desk enrolled again sending its records again);
 * otherwise rejected: a record id never changes owner.
 */
function repeated(item: Item, row: StoredRow | undefined, device: DeviceRow): UploadResult {
  const id = item.record.data.id;
  return row?.bodyHash === item.hash && row.owner === device.venue_id ? { id, status: 'duplicate' } : rejected(id);
}

/** The feed entry a new record puts on its venue's feed; null for kinds devices do not receive. */
function feedEntryOf(item: Item, device: DeviceRow): FeedEntry | null {
  const { record, body } = item;
  switch (record.kind) {
    case 'audit_head':
    case 'resolution':
      return null;
    case 'checkin':
    case 'dose':
    case 'lot':
      return { venueId: record.data.venueId, kind: record.kind, key: record.data.id, body };
    default:
      return { venueId: device.venue_id, kind: record.kind, key: record.data.id, body };
  }
}

/**
 * Stores a batch in one transaction with a fixed number of statements
 * (whatever its size): one read of everything it names, the ownership checks
 * in memory, one insert per table, then, under the municipality's feed lock,
 * voids, clashes, the feed and the people to send again. Answers per record,
 * in batch order: stored, duplicate, conflict or rejected.
 */
export async function storeRecords(db: CentralDb, device: DeviceRow, records: readonly UploadRecord[], now: Date): Promise<UploadResult[]> {
  const items: Item[] = records.map((record) => {
    const body = JSON.stringify(record.data);
    return { record, body, hash: sha256(body) };
  });
  return db.transaction(async (tx) => {
    const stored = await loadStored(tx, device, records);
    checkOwnership(device, records, stored);

    // Decide each record from what is stored and what came earlier in the batch.
    const answers: (UploadResult | null)[] = [];
    const firsts = new Map<string, Item>();
    const rows = new Map<RecordTable, Row[]>();
    for (const item of items) {
      const { record } = item;
      const table = TABLE[record.kind];
      const key = `${table}\u0000${record.data.id}`;
      const row = stored.get(table, record.data.id);
      const first = firsts.get(key);
      // A time after this receipt (a desk clock set wrong) is refused with the reason, not stored.
      const late = timeAfterReceipt(record, now);
      if (late) answers.push({ id: record.data.id, status: 'rejected', error: late });
      else if (row) answers.push(repeated(item, row, device));
      else if (first) answers.push(first.hash === item.hash ? { id: record.data.id, status: 'duplicate' } : rejected(record.data.id));
      else if (record.kind === 'resolution' && !stored.get('conflicts', record.data.conflictId)) {
        answers.push({ id: record.data.id, status: 'rejected', error: refusalBody('UNKNOWN_CONFLICT', { ja: 'その競合はありません。', en: 'There is no such conflict.' }) });
      } else {
        firsts.set(key, item);
        answers.push(null);
        const list = rows.get(table) ?? [];
        list.push(rowOf(record, device, item.body, item.hash));
        rows.set(table, list);
      }
    }

    // One insert per table. An id another transaction stored meanwhile (a retry overtaking its first attempt) is answered as a repeat.
    const inserted = new Set<string>();
    for (const [table, list] of rows) for (const id of await insertRows(tx, table, list, now)) inserted.add(`${table}\u0000${id}`);
    const lost = new Set(items.filter((item, i) => answers[i] === null && !inserted.has(`${TABLE[item.record.kind]}\u0000${item.record.data.id}`)));
    if (lost.size > 0) {
      const again = await loadStored(tx, device, [...lost].map((item) => item.record));
      for (const [i, item] of items.entries()) {
        if (lost.has(item)) answers[i] = repeated(item, again.get(TABLE[item.record.kind], item.record.data.id), device);
      }
    }
    const fresh = items.filter((_, i) => answers[i] === null);
    const ofKind = <K extends UploadRecord['kind']>(kind: K) =>
      fresh.map((item) => item.record).filter((record): record is Extract<UploadRecord, { kind: K }> => record.kind === kind);

    // From here on, one upload of the municipality at a time: seqs in order, clashes seen whichever committed first.
    await lockFeed(tx, device.municipality);
    const doses = ofKind('dose');
    const { voidedTickets, clashes } = await applyEffects(tx, { doses, checkins: ofKind('checkin'), decisions: ofKind('walkin_decision'), voids: ofKind('void') }, now);
    const tickets = new Set([...doses.filter((d) => d.data.status === 'performed').map((d) => d.data.ticketNumber), ...voidedTickets]);
    for (const resolution of ofKind('resolution')) await markResolved(tx, resolution.data.conflictId, resolution.data.staffId, resolution.data.note, now);

    const feed = fresh.map((item) => feedEntryOf(item, device)).filter((entry): entry is FeedEntry => entry !== null);
    if (fresh.length > 0) await publishUpload(tx, device.municipality, feed, [...tickets], true);
    return items.map((item, i) => answers[i] ?? clashes.get(item.record.data.id) ?? { id: item.record.data.id, status: 'stored' });
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
