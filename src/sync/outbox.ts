import { createHash } from 'node:crypto';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import { digestOf, type RecordDigest } from './digest';
import { uploadRecordSchema, type UploadKind, type UploadRecord, type UploadResult } from './protocol';

/**
 * The outbox: every record made on this device, written in the same
 * transaction as the record itself (by queueRecords, src/records/outbox.ts), so
 * a record can never exist without its way to the central service (and vice
 * versa). A row is 'pending' until sent, 'sent' until the server has answered
 * for it, then 'confirmed' (or 'rejected'). Rows are kept after confirmation; "the outbox is empty" means
 * nothing is pending or sent.
 */
export type OutboxState = 'pending' | 'sent' | 'confirmed' | 'rejected';

export interface OutboxRow {
  readonly seq: number;
  readonly recordId: string;
  readonly kind: UploadKind;
  readonly body: string;
  readonly state: OutboxState;
  readonly attempts: number;
}

interface Row {
  seq: number;
  record_id: string;
  kind: UploadKind;
  body: string;
  state: OutboxState;
  attempts: number;
}

function toRow(row: Row): OutboxRow {
  return { seq: row.seq, recordId: row.record_id, kind: row.kind, body: row.body, state: row.state, attempts: row.attempts };
}

/**
 * The oldest rows the server has not answered for, marked 'sent'. Always
 * from the oldest, so a void never travels before the record it voids.
 */
export function takeBatch(db: VenueDb, limit: number, maxBytes: number, now: Date): OutboxRow[] {
  return db.transaction(() => {
    const rows = db
      .prepare(`SELECT seq, record_id, kind, body, state, attempts FROM sync_outbox WHERE state IN ('pending', 'sent') ORDER BY seq LIMIT ?`)
      .all(limit) as Row[];
    const batch: OutboxRow[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += row.body.length + 40;
      if (batch.length > 0 && bytes > maxBytes) break;
      batch.push(toRow(row));
    }
    const mark = db.prepare(`UPDATE sync_outbox SET state = 'sent', attempts = attempts + 1, sent_at = ? WHERE seq = ?`);
    const at = venueIso(now);
    for (const row of batch) mark.run(at, row.seq);
    return batch;
  })();
}

/** The batch as the server expects it. */
export function toUploadRecords(batch: readonly OutboxRow[]): UploadRecord[] {
  return batch.map((row) => ({ kind: row.kind, data: JSON.parse(row.body) as never }) as UploadRecord);
}

export interface AnswerSummary {
  readonly confirmed: number;
  readonly rejected: number;
  readonly conflicts: number;
}

/**
 * Applies the server's answer, record by record. Answers for ids this device
 * did not send, or sent and already had answered, change nothing: a stale or
 * duplicated response cannot confirm what the server never stored.
 */
export function recordAnswers(db: VenueDb, sentIds: ReadonlySet<string>, results: readonly UploadResult[], now: Date): AnswerSummary {
  const confirm = db.prepare(
    `UPDATE sync_outbox SET state = ?, outcome = ?, answered_at = ?, error_code = ? WHERE record_id = ? AND state IN ('pending', 'sent')`,
  );
  const at = venueIso(now);
  let confirmed = 0;
  let rejected = 0;
  let conflicts = 0;
  for (const result of results) {
    if (!sentIds.has(result.id)) continue;
    const state: OutboxState = result.status === 'rejected' ? 'rejected' : 'confirmed';
    const changed = confirm.run(state, result.status, at, result.error?.code ?? null, result.id).changes;
    if (changed === 0) continue;
    if (state === 'rejected') rejected += 1;
    else confirmed += 1;
    if (result.status === 'conflict') conflicts += 1;
  }
  return { confirmed, rejected, conflicts };
}

/** Everything answered for goes back to pending (after the server lost data: see startOver in service.ts). */
export function requeueAll(db: VenueDb): number {
  return db.prepare(`UPDATE sync_outbox SET state = 'pending', outcome = NULL, error_code = NULL WHERE state IN ('confirmed', 'rejected')`).run().changes;
}

export interface OutboxCounts {
  readonly pending: number;
  readonly sent: number;
  readonly confirmed: number;
  readonly rejected: number;
}

export function outboxCounts(db: VenueDb): OutboxCounts {
  const counts = { pending: 0, sent: 0, confirmed: 0, rejected: 0 };
  for (const row of db.prepare(`SELECT state, count(*) AS n FROM sync_outbox GROUP BY state`).all() as { state: OutboxState; n: number }[]) {
    counts[row.state] = row.n;
  }
  return counts;
}

/** Rows not yet answered for (pending or sent). */
export function openOutboxCount(db: VenueDb): number {
  return (db.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE state IN ('pending', 'sent')`).get() as { n: number }).n;
}

/** Ids of records of a kind that the central service has not confirmed yet (for the day's reconciliation). */
export function unconfirmedRecordIds(db: VenueDb, kinds: readonly UploadKind[] = ['checkin', 'dose', 'void']): string[] {
  const placeholders = kinds.map(() => '?').join(', ');
  return (
    db.prepare(`SELECT record_id FROM sync_outbox WHERE state <> 'confirmed' AND kind IN (${placeholders}) ORDER BY seq`).all(...kinds) as { record_id: string }[]
  ).map((r) => r.record_id);
}

/**
 * Everything this device has made, as the server stores it (each body
 * parsed by the upload schema and written back, as the server does), for
 * comparing with the server's digest of the same device.
 */
export function outboxDigest(db: VenueDb): RecordDigest {
  const rows = db.prepare(`SELECT record_id, kind, body FROM sync_outbox ORDER BY seq`).all() as { record_id: string; kind: UploadKind; body: string }[];
  return digestOf(
    rows.map((row) => {
      const parsed = uploadRecordSchema.parse({ kind: row.kind, data: JSON.parse(row.body) as unknown });
      return { id: row.record_id, kind: row.kind, bodyHash: createHash('sha256').update(JSON.stringify(parsed.data)).digest('hex') };
    }),
  );
}
