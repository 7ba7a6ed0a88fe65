/**
 * Reconciliation of acknowledged records, the wire part (pure code, both
 * sides): a device proves to the central service which of its records the
 * service confirmed, without sending them, and learns which ones the service
 * no longer holds (its database restored from an older copy), to send those
 * again. Records are grouped in buckets by the first six characters of their
 * id (a UUIDv7 begins with its time, so a bucket is about 4.7 hours of one
 * device's records); each bucket is summed up as a count and a 64-bit XOR of
 * the ids' SHA-256, which the service computes in SQL from what it stored.
 *
 *   POST /v1/reconcile {compare: [{b, n, x}], everything}
 *     → {buckets: [{b, n, x}]}: the service's sums for those buckets (all of
 *       this device's buckets with `everything`)
 *   POST /v1/reconcile {list: [b]}
 *     → {ids: [{b, ids}]}: the ids the service holds from this device in them
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const BUCKET_CHARS = 6;
/** Buckets per request, and ids per listed bucket (a desk makes far fewer records in 4.7 hours). */
export const RECONCILE_LIMITS = { buckets: 2_000, listed: 20, idsPerBucket: 50_000 } as const;

const bucket = z.string().min(1).max(BUCKET_CHARS).regex(/^[A-Za-z0-9_-]+$/);
const xor = z.string().regex(/^[0-9a-f]{1,16}$/);
export const bucketSumSchema = z.object({ b: bucket, n: z.number().int().min(0), x: xor });
export type BucketSum = z.infer<typeof bucketSumSchema>;

export const reconcileRequestSchema = z.union([
  z.strictObject({ compare: z.array(bucketSumSchema).max(RECONCILE_LIMITS.buckets), everything: z.boolean() }),
  z.strictObject({ list: z.array(bucket).min(1).max(RECONCILE_LIMITS.listed) }),
]);
export type ReconcileRequest = z.infer<typeof reconcileRequestSchema>;

export const compareResponseSchema = z.object({ buckets: z.array(bucketSumSchema) });
export const listResponseSchema = z.object({ ids: z.array(z.object({ b: bucket, ids: z.array(z.string().max(64)) })) });

/** The bucket of a record id (the service: `substr(id, 1, 6)`). */
export function bucketOf(id: string): string {
  return id.slice(0, BUCKET_CHARS);
}

/**
 * The 64-bit XOR of the first 16 hex digits of each id's SHA-256, as lower-case
 * hex without leading zeros: what PostgreSQL's
 * `to_hex(bit_xor(('x' || left(encode(sha256(convert_to(id, 'UTF8')), 'hex'), 16))::bit(64)::bigint))` gives.
 */
export function xorOfIds(ids: Iterable<string>): string {
  let sum = 0n;
  for (const id of ids) sum ^= BigInt(`0x${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16)}`);
  return BigInt.asUintN(64, sum).toString(16);
}
