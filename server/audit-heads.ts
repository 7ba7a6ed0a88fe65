import type { UploadRecord, UploadResult } from '../src/sync/protocol';
import type { CentralDb, Queryable } from './db';
import type { DeviceRow } from './device-row';

/**
 * The heads of each device's audit chain, as the device sent them (stored
 * with its other records, see records.ts). A chain only grows, so a new head
 * must have a higher seq than every head held before it. One with a lower
 * seq means entries were cut off the device's chain; the same seq with
 * another hash, that the chain was rewritten from there. The device compares
 * too (src/sync/audit-check.ts): the feed tells it the newest head held here,
 * and it sends up the head that shows any difference it finds.
 */
export interface HeldHead {
  readonly seq: number;
  readonly hash: string;
}

export interface AuditMismatch {
  readonly headId: string;
  readonly deviceId: string;
  readonly kind: 'cut' | 'rewritten';
  readonly heldSeq: number;
  readonly sentSeq: number;
}

/** The newest head held of a device's chain (by seq; of two at one seq, the first received). */
export async function heldAuditHead(db: CentralDb | Queryable, deviceId: string, except: readonly string[] = []): Promise<HeldHead | null> {
  const [row] = await db.query<{ seq: string | number; hash: string }>(
    `SELECT seq, hash FROM audit_heads WHERE device_id = $1 AND NOT (id = ANY($2::text[])) ORDER BY seq DESC, received_at, id LIMIT 1`,
    [deviceId, [...except]],
  );
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/**
 * Checks the heads newly stored from one upload against those held before
 * them, records each that does not follow, and returns those new records
 * (for the server log). Runs after the upload is stored, so a refused upload
 * records nothing.
 */
export async function checkAuditHeads(db: CentralDb, device: DeviceRow, records: readonly UploadRecord[], results: readonly UploadResult[], now: Date): Promise<AuditMismatch[]> {
  const stored = new Set(results.filter((r) => r.status === 'stored').map((r) => r.id));
  const heads = records.flatMap((r) => (r.kind === 'audit_head' && stored.has(r.data.id) ? [r.data] : []));
  if (heads.length === 0) return [];
  let held = await heldAuditHead(db, device.id, heads.map((h) => h.id));
  const found: AuditMismatch[] = [];
  for (const head of heads) {
    const kind = !held ? null : head.seq < held.seq ? 'cut' : head.seq === held.seq && head.hash !== held.hash ? 'rewritten' : null;
    if (!kind || !held) {
      if (!held || head.seq > held.seq) held = { seq: head.seq, hash: head.hash };
      continue;
    }
    const inserted = await db.query(
      `INSERT INTO audit_head_mismatches (head_id, device_id, kind, held_seq, held_hash, sent_seq, sent_hash, detected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (head_id) DO NOTHING RETURNING id`,
      [head.id, device.id, kind, held.seq, held.hash, head.seq, head.hash, now],
    );
    if (inserted.length > 0) found.push({ headId: head.id, deviceId: device.id, kind, heldSeq: held.seq, sentSeq: head.seq });
  }
  return found;
}

export interface MismatchRow {
  device_id: string;
  kind: 'cut' | 'rewritten';
  held_seq: number;
  sent_seq: number;
  detected_at: Date;
}

/** Every recorded mismatch, newest first: of one device, or of all. */
export async function listAuditMismatches(db: CentralDb, deviceId?: string): Promise<MismatchRow[]> {
  const rows = await db.query<Omit<MismatchRow, 'held_seq' | 'sent_seq'> & { held_seq: string | number; sent_seq: string | number }>(
    `SELECT device_id, kind, held_seq, sent_seq, detected_at FROM audit_head_mismatches WHERE $1::text IS NULL OR device_id = $1 ORDER BY detected_at DESC, id DESC`,
    [deviceId ?? null],
  );
  return rows.map((r) => ({ ...r, held_seq: Number(r.held_seq), sent_seq: Number(r.sent_seq) }));
}
