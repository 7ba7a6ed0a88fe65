import { RECONCILE_LIMITS, type BucketSum, type ReconcileRequest } from '../src/sync/reconcile-protocol';
import type { CentralDb } from './db';
import type { DeviceRow } from './device-row';
import { TABLE } from './record-rows';

/**
 * What lets devices heal the central database after it was restored from an
 * older copy (a PostgreSQL base backup, a copied PGlite folder): two checks
 * that do not depend on the feed's sequence, which a restore rewinds and any
 * later write in any municipality moves on again.
 *
 * - The feed cursor each device was handed (feed-marks.ts): a device asking
 *   from a cursor this database never handed it is answered with a page whose
 *   head is below its cursor, which every device, old ones too, takes as
 *   "read everything again" (src/sync/service.ts).
 * - The records each device holds as confirmed, compared bucket by bucket
 *   (src/sync/reconcile-protocol.ts) at every sync: whatever the service no
 *   longer holds, the device sends again (idempotent by id).
 */

// Every table an upload's records are stored in (record-rows.ts).
const MINE = [...new Set(Object.values(TABLE))]
  .map((table) => `SELECT id FROM ${table} WHERE device_id = $1`)
  .join(' UNION ALL ');
const BUCKET = `substr(id, 1, 6)`;
const XOR = `to_hex(bit_xor(('x' || left(encode(sha256(convert_to(id, 'UTF8')), 'hex'), 16))::bit(64)::bigint))`;

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
