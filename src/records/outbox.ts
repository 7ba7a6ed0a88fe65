import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import type { UploadKind, UploadRecord } from './schemas';

/** The data of one kind of record, exactly as it travels. */
export type RecordData<K extends UploadKind> = Extract<UploadRecord, { kind: K }>['data'];

/**
 * Puts a record made on this device in the outbox (the sync_outbox table), in
 * the caller's transaction, so a record never exists without its way to the
 * central service (and vice versa). The one writer of the outbox: src/sync
 * reads it, sends it and marks what the server answered.
 *
 * `data` is the record's wire shape (src/records/schemas.ts), built field by
 * field in schema order by the module that made it, so what is queued is
 * exactly what the server stores and hashes.
 */
export function queueRecord<K extends UploadKind>(db: VenueDb, kind: K, data: RecordData<K>, now: Date): void {
  db.prepare(`INSERT INTO sync_outbox (record_id, kind, body, created_at) VALUES (?, ?, ?, ?)`).run(data.id, kind, JSON.stringify(data), venueIso(now));
}
