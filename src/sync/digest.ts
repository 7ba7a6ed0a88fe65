import { createHash } from 'node:crypto';

/**
 * A set of records as one hash, so a device and the central service can
 * tell whether they hold the same records without sending them: pure code,
 * used on both sides.
 */
export interface RecordDigest {
  /** Records of each kind. */
  readonly counts: Readonly<Record<string, number>>;
  /** SHA-256 over "id:sha256(body)" lines sorted by id: equal digests, equal sets of records. */
  readonly digest: string;
}

/** Builds the digest from (id, body hash) pairs; the central service computes the same from what it stored. */
export function digestOf(entries: Iterable<{ readonly id: string; readonly kind: string; readonly bodyHash: string }>): RecordDigest {
  const counts: Record<string, number> = {};
  const lines: string[] = [];
  for (const entry of entries) {
    counts[entry.kind] = (counts[entry.kind] ?? 0) + 1;
    lines.push(`${entry.id}:${entry.bodyHash}`);
  }
  lines.sort();
  return { counts, digest: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

