import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import type { UploadKind } from './schemas';
import type { MadeRecord, RecordData, RecordSink } from './sink';

export type { RecordData } from './sink';

/**
 * Puts records made on this device in the outbox (the sync_outbox table), in
 * the caller's transaction, so a record never exists without its way to the
 * central service (and vice versa). The one writer of the outbox: the
 * dispatcher writes what a call's domain functions made (their RecordSink),
 * the sync service its audit-head copies; src/sync reads the outbox, sends it
 * and marks what the server answered. Domain folders may not import this
 * file (ESLint): they hand their records to a RecordSink.
 */
export function queueRecords(db: VenueDb, records: readonly MadeRecord[], now: Date): void {
  if (records.length === 0) return;
  const insert = db.prepare(`INSERT INTO sync_outbox (record_id, kind, body, created_at) VALUES (?, ?, ?, ?)`);
  const at = venueIso(now);
  for (const record of records) insert.run(record.data.id, record.kind, JSON.stringify(record.data), at);
}

/** One record, queued at once: for the sync service's audit-head copies, made outside any call. */
export function queueRecord<K extends UploadKind>(db: VenueDb, kind: K, data: RecordData<K>, now: Date): void {
  queueRecords(db, [{ kind, data }], now);
}

/**
 * A sink that writes each record to the outbox as it is added, in the
 * caller's transaction: for callers outside the dispatcher that call the
 * domain directly (the demo venue's seeding, benchmarks, tests).
 */
export function outboxSink(db: VenueDb, now: Date): RecordSink {
  return {
    add(kind, data) {
      queueRecords(db, [{ kind, data }], now);
    },
  };
}
