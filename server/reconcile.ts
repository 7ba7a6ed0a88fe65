import type { UploadKind } from '../src/sync/protocol';
import { RECONCILE_LIMITS, type BucketSum, type ReconcileRequest } from '../src/sync/reconcile-protocol';
import type { CentralDb, Queryable } from './db';
import { DAY_TABLE } from './day-records';
import type { DeviceRow } from './enrollment';

/**
 * What lets devices heal the central database after it was restored from an
 * older copy (a PostgreSQL base backup, a copied PGlite folder): two checks
 * that do not depend on the feed's sequence, which a restore rewinds and any
 * later write in any municipality moves on again.
 *
 * - The feed cursor each device was handed (device_feed_marks, migration 4).
 *   Every page's cursor is recorded before the page is sent, so a device
 *   asking from a cursor this database never handed it is ahead of it: the
 *   database was rewound. It is answered with a page whose head is below its
 *   cursor, which every device, old ones too, takes as "read everything
 *   again" (src/sync/service.ts). A restore rewinds this table with the rest,
 *   which is the point: it is a witness that cannot survive a rewind.
 * - The records each device holds as confirmed, compared bucket by bucket
 *   (src/sync/reconcile-protocol.ts) at every sync: whatever the service no
 *   longer holds, the device sends again (idempotent by id).
 */

/** Where each kind of record a device uploads is stored (one way: the upload's own tables). */
const RECORD_TABLES = {
  checkin: 'checkins',
  dose: 'dose_records',
  void: 'voids',
  lot: 'lots',
  audit_head: 'audit_heads',
  resolution: 'resolutions',
  ...DAY_TABLE,
} as const satisfies Record<UploadKind, string>;

const MINE = Object.values(RECORD_TABLES)
  .map((table) => `SELECT id FROM ${table} WHERE device_id = $1`)
  .join(' UNION ALL ');
const BUCKET = `substr(id, 1, 6)`;
const XOR = `to_hex(bit_xor(('x' || left(encode(sha256(convert_to(id, 'UTF8')), 'hex'), 16))::bit(64)::bigint))`;

/** The highest cursor handed to the device, when it asks from beyond it (the database was rewound); else null. */
export async function feedRewound(db: Queryable, deviceId: string, after: number): Promise<number | null> {
  if (after === 0) return null;
  const [row] = await db.query<{ served: number }>(`SELECT served FROM device_feed_marks WHERE device_id = $1`, [deviceId]);
  // No mark: a device from before the marks were kept; its next page starts one.
  return row && after > row.served ? row.served : null;
}

/** Records the cursor a page hands the device; called before the page is sent. */
export async function noteServed(db: Queryable, deviceId: string, next: number): Promise<void> {
  if (next === 0) return;
  await db.query(
    `INSERT INTO device_feed_marks (device_id, served) VALUES ($1, $2)
     ON CONFLICT (device_id) DO UPDATE SET served = EXCLUDED.served, updated_at = now() WHERE device_feed_marks.served < EXCLUDED.served`,
    [deviceId, next],
  );
}

/** The page a rewound device gets: nothing, and a head below its cursor, so it reads everything again. */
export function rewoundPageJson(after: number, served: number): string {
  return `{"after":${after},"next":${after},"more":false,"remaining":null,"head":${served},"changes":[]}`;
}

/** The service's sums of what it holds from the device: for the buckets asked about, or for all of them. */
async function compare(db: CentralDb, deviceId: string, buckets: readonly BucketSum[], everything: boolean): Promise<{ buckets: BucketSum[] }> {
  if (!everything && buckets.length === 0) return { buckets: [] };
  const rows = await db.query<BucketSum>(
    `SELECT ${BUCKET} AS b, count(*)::int AS n, ${XOR} AS x FROM (${MINE}) mine
     ${everything ? '' : `WHERE ${BUCKET} = ANY($2::text[])`}
     GROUP BY 1 ORDER BY 1`,
    everything ? [deviceId] : [deviceId, buckets.map((sum) => sum.b)],
  );
  return { buckets: rows };
}

/** The ids the service holds from the device in the buckets named. */
async function list(db: CentralDb, deviceId: string, buckets: readonly string[]): Promise<{ ids: { b: string; ids: string[] }[] }> {
  const rows = await db.query<{ b: string; ids: string[] }>(
    `SELECT b, (array_agg(id ORDER BY id))[1:${RECONCILE_LIMITS.idsPerBucket}] AS ids
     FROM (SELECT ${BUCKET} AS b, id FROM (${MINE}) mine WHERE ${BUCKET} = ANY($2::text[])) listed GROUP BY b ORDER BY b`,
    [deviceId, [...buckets]],
  );
  return { ids: buckets.map((b) => ({ b, ids: rows.find((row) => row.b === b)?.ids ?? [] })) };
}

export async function reconcile(db: CentralDb, device: DeviceRow, request: ReconcileRequest): Promise<unknown> {
  return 'list' in request ? list(db, device.id, request.list) : compare(db, device.id, request.compare, request.everything);
}
