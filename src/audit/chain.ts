import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { VenueDb } from '../store/database';

/**
 * How each audit entry is sealed. Version 1 (databases from before the audit
 * key): SHA-256 over the entry and the previous hash; anyone able to write the
 * file could recompute it. Version 2: HMAC-SHA-256 under the device's audit
 * key, which lives in the key vault beside the database key and never in the
 * database, so an entry (or the stored head) cannot be made or remade without
 * it. Old entries keep their version and verify as they were written.
 */
export type ChainVersion = 1 | 2;
export const AUDIT_KEY_BYTES = 32;

/** An entry's stored columns, without its own hash. */
export interface ChainRow {
  seq: number;
  at: string;
  staff_id: string | null;
  desk_id: string | null;
  action: string;
  record_id: string | null;
  outcome: string;
  detail: string | null;
  prev_hash: string;
}

function canonical(row: ChainRow): unknown[] {
  return [row.seq, row.at, row.staff_id, row.desk_id, row.action, row.record_id, row.outcome, row.detail, row.prev_hash];
}

/** Version 1: the unkeyed hash of databases from before the audit key. */
export function entryHash(row: ChainRow): string {
  return createHash('sha256').update(JSON.stringify(canonical(row))).digest('hex');
}

/** Version 2: keyed. The label keeps a keyed hash from ever being taken for another kind of MAC. */
export function keyedEntryHash(key: Buffer, row: ChainRow): string {
  return createHmac('sha256', key).update(JSON.stringify(['venue-audit-entry-v2', ...canonical(row)])).digest('hex');
}

/** The MAC of the stored head: only the app, holding the key, can move the head. */
export function headMac(key: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', key).update(JSON.stringify(['venue-audit-head-v2', seq, hash])).digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const keys = new WeakMap<VenueDb, Buffer>();

/**
 * Gives a connection its audit key: from then on every entry it writes is
 * keyed, and verification needs the key. The runtime does this right after
 * opening the database; tests and tools that never do write unkeyed entries.
 */
export function useAuditKey(db: VenueDb, key: Buffer): void {
  if (key.length !== AUDIT_KEY_BYTES) throw new Error(`the audit key must be ${AUDIT_KEY_BYTES} bytes`);
  keys.set(db, Buffer.from(key));
}

export function auditKeyOf(db: VenueDb): Buffer | null {
  return keys.get(db) ?? null;
}
