import type { FeedKind } from '../src/sync/protocol';
import { heldAuditHead } from './audit-heads';
import type { CentralDb, Queryable } from './db';
import { prepared } from './queryable';

/**
 * The change feed (table `feed`): per municipality, the latest state of every
 * entity a device may see, in seq order. Writers take the municipality's
 * advisory lock before taking seqs, so within a municipality seqs become
 * visible in order and a device that has read up to seq n never later finds
 * a smaller one appearing: its cursor is safe to keep.
 */
export const FEED_CHANNEL = 'venue_feed';

/** 32-bit FNV-1a of the municipality: the advisory-lock key of its feed. */
function lockKey(municipality: string): number {
  let h = 0x811c9dc5;
  for (const c of `feed:${municipality}`) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

const LOCK_SQL = prepared(`SELECT pg_advisory_xact_lock($1)`);

/** Call first in every transaction that writes the municipality's feed. Held until commit. */
export async function lockFeed(tx: Queryable, municipality: string): Promise<void> {
  await tx.query(LOCK_SQL, [lockKey(municipality)]);
}

/** Wakes long-polls of the municipality once the transaction commits (any process: LISTEN/NOTIFY). */
export async function notifyFeed(tx: Queryable, municipality: string): Promise<void> {
  await tx.query(`SELECT pg_notify($1, $2)`, [FEED_CHANNEL, municipality]);
}

export interface FeedEntry {
  readonly venueId: string | null;
  readonly kind: FeedKind;
  readonly key: string;
  /** A JSON text; null with deleted. */
  readonly body: string | null;
  readonly deleted?: boolean;
}

const UPSERT_TAIL = `ON CONFLICT (municipality, kind, key) DO UPDATE
  SET seq = EXCLUDED.seq, venue_id = EXCLUDED.venue_id, deleted = EXCLUDED.deleted, body = EXCLUDED.body, changed_at = now()`;

/** Writes entries (new seqs, in the order given). Call after lockFeed. */
export async function emit(tx: Queryable, municipality: string, entries: readonly FeedEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // One row per entity per statement (ON CONFLICT cannot touch a row twice): the last state wins.
  const latest = new Map<string, FeedEntry>();
  for (const entry of entries) {
    const id = `${entry.kind}\u0000${entry.key}`;
    latest.delete(id);
    latest.set(id, entry);
  }
  entries = [...latest.values()];
  // unnest yields rows in array order, and nextval is taken row by row in that order.
  await tx.query(
    `INSERT INTO feed (seq, municipality, venue_id, kind, key, deleted, body)
     SELECT nextval('feed_seq'), $1, v, k, key, d, b
     FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[]) AS u(v, k, key, d, b)
     ${UPSERT_TAIL}`,
    [
      municipality,
      entries.map((e) => e.venueId),
      entries.map((e) => e.kind),
      entries.map((e) => e.key),
      entries.map((e) => e.deleted ?? false),
      entries.map((e) => (e.deleted ? null : e.body)),
    ],
  );
}

/**
 * A person as devices receive it (see personData in src/sync/protocol.ts):
 * person, tickets, earlier doses, bookings, and the performed, unvoided
 * doses recorded by any venue. Built in SQL so a million people never pass
 * through JavaScript as objects.
 */
const PERSON_DOC = /* sql */ `json_build_object(
  'ref', p.person_ref, 'kana', p.name_kana, 'kanji', p.name_kanji, 'birth', p.birth_date, 'sex', p.sex, 'phone', p.phone, 'email', p.email,
  'tickets', COALESCE((SELECT json_agg(json_build_array(t.number, t.kind, t.status) ORDER BY t.number)
                       FROM tickets t WHERE t.municipality = p.municipality AND t.person_ref = p.person_ref), '[]'::json),
  'prior', p.prior_doses,
  'bookings', COALESCE((SELECT json_agg(json_build_array(b.id, b.ticket_number, b.venue_id, b.date, b.slot_start, b.slot_end, b.dose_number, b.product_id, b.set_id) ORDER BY b.date, b.id)
                        FROM bookings b WHERE b.municipality = p.municipality AND b.person_ref = p.person_ref), '[]'::json),
  'doses', COALESCE((SELECT json_agg(json_build_array(d.id, d.venue_id, d.dose_number, d.venue_date, d.given_at, COALESCE(d.product_id, ''), COALESCE(v.name, d.venue_id)) ORDER BY d.dose_number, d.given_at)
                     FROM tickets t2 JOIN dose_records d ON d.municipality = t2.municipality AND d.ticket_number = t2.number
                     LEFT JOIN venues v ON v.id = d.venue_id
                     WHERE t2.municipality = p.municipality AND t2.person_ref = p.person_ref AND d.status = 'performed' AND d.voided_by IS NULL), '[]'::json)
)::text`;

/** Re-emits people (after their roster rows or their doses changed). Call after lockFeed. */
export async function emitPeople(tx: Queryable, municipality: string, refs: readonly string[]): Promise<void> {
  if (refs.length === 0) return;
  await tx.query(
    `INSERT INTO feed (seq, municipality, venue_id, kind, key, deleted, body)
     SELECT nextval('feed_seq'), p.municipality, NULL, 'person', p.person_ref, false, ${PERSON_DOC}
     FROM people p WHERE p.municipality = $1 AND p.person_ref = ANY($2::text[])
     ${UPSERT_TAIL}`,
    [municipality, [...new Set(refs)]],
  );
}

const PUBLISH_SQL = prepared(
  `WITH entries AS (
     INSERT INTO feed (seq, municipality, venue_id, kind, key, deleted, body)
     SELECT nextval('feed_seq'), $1, v, k, key, d, b
     FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[]) AS u(v, k, key, d, b)
     ${UPSERT_TAIL}
     RETURNING 1
   ), persons AS (
     INSERT INTO feed (seq, municipality, venue_id, kind, key, deleted, body)
     SELECT nextval('feed_seq'), p.municipality, NULL, 'person', p.person_ref, false, ${PERSON_DOC}
     FROM people p WHERE p.municipality = $1
       AND p.person_ref IN (SELECT DISTINCT t.person_ref FROM tickets t WHERE t.municipality = $1 AND t.number = ANY($7::text[]))
     ${UPSERT_TAIL}
     RETURNING 1
   )
   SELECT pg_notify($8, $1) WHERE $9::boolean`,
);

/**
 * An upload's whole publication in one statement (one round trip while the
 * municipality's lock is held): its entries, the people behind the tickets
 * it gave or voided a dose for, and the NOTIFY that wakes long-polls once it
 * commits (when `notify`). Call after lockFeed, and after the voids are applied
 * (the people are built from what this statement's snapshot sees).
 */
export async function publishUpload(tx: Queryable, municipality: string, entries: readonly FeedEntry[], tickets: readonly string[], notify: boolean): Promise<void> {
  const latest = new Map<string, FeedEntry>();
  for (const entry of entries) {
    const id = `${entry.kind}\u0000${entry.key}`;
    latest.delete(id);
    latest.set(id, entry);
  }
  const rows = [...latest.values()];
  // Both inserts run in the one statement; they touch different rows (kinds), and their seqs all become visible at commit.
  await tx.query(
    PUBLISH_SQL,
    [
      municipality,
      rows.map((e) => e.venueId),
      rows.map((e) => e.kind),
      rows.map((e) => e.key),
      rows.map((e) => e.deleted ?? false),
      rows.map((e) => (e.deleted ? null : e.body)),
      [...new Set(tickets)],
      FEED_CHANNEL,
      notify,
    ],
  );
}

export interface PageRequest {
  readonly municipality: string;
  readonly venueId: string;
  readonly after: number;
  readonly limit: number;
  readonly count: boolean;
  /** The device asking: its page also carries the newest head held of its audit chain (see audit-heads.ts). */
  readonly deviceId?: string;
  /**
   * About the most bytes of changes the page carries (at least one change
   * whatever its size); beyond it the page says `more` and the device reads
   * on. Unset: only `limit` bounds it.
   */
  readonly maxBytes?: number;
}

export interface Page {
  /** The response body, assembled from the stored JSON without parsing it. */
  readonly json: string;
  readonly changes: number;
  /** The cursor after this page. */
  readonly next: number;
  /** The municipality's newest seq when read: nothing this device may see lies between `next` and it (when the page is not full). */
  readonly scanned: number;
  /** The feed sequence when read (devices compare it with their cursor to notice a restored database). */
  readonly head: number;
}

/** One feed row as the JSON of a change (from the stored JSON text, never parsed). */
export const CHANGE_JSON = /* sql */ `'{"seq":' || seq || ',"kind":"' || kind || '","key":' || to_json(key)::text || ',"deleted":' || deleted::text || ',"data":' || COALESCE(body, 'null') || '}'`;

/** The feed sequence: cheap, and never behind anything committed. */
export const HEAD_SQL = /* sql */ `(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM feed_seq)`;

/** The page body as devices receive it. */
export function pageJson(p: { after: number; next: number; more: boolean; remaining: number | null; head: number; items: string; auditHead?: string }): string {
  const auditHead = p.auditHead === undefined ? '' : `"auditHead":${p.auditHead},`;
  return `{"after":${p.after},"next":${p.next},"more":${p.more},"remaining":${p.remaining === null ? 'null' : p.remaining},"head":${p.head},${auditHead}"changes":[${p.items}]}`;
}

/** One page of the feed as a device sees it: its municipality's entries, and its own venue's. One statement, two when the page is full or counted. */
export async function readPage(db: CentralDb | Queryable, request: PageRequest): Promise<Page> {
  // A change's size as the page carries it: its body and about as much again for seq, kind, key and punctuation.
  const [row] = await db.query<{ n: number; read: number; last: number | null; items: string | null; scanned: number | null; head: number }>(
    `WITH visible AS (SELECT seq, kind, key, deleted, body FROM feed
                      WHERE municipality = $1 AND seq > $2 AND (venue_id IS NULL OR venue_id = $3)
                      ORDER BY seq LIMIT $4),
          page AS (SELECT seq, kind, key, deleted, body FROM (
                     SELECT v.*, row_number() OVER w AS i, sum(COALESCE(octet_length(body), 4) + 64 + octet_length(key)) OVER w AS upto
                     FROM visible v WINDOW w AS (ORDER BY seq)) sized
                   WHERE $5::bigint IS NULL OR i = 1 OR upto <= $5::bigint)
     SELECT (SELECT count(*)::int FROM page) AS n, (SELECT count(*)::int FROM visible) AS read, (SELECT max(seq) FROM page) AS last,
            (SELECT string_agg(${CHANGE_JSON}, ',' ORDER BY seq) FROM page) AS items,
            (SELECT max(seq) FROM feed WHERE municipality = $1) AS scanned, ${HEAD_SQL} AS head`,
    [request.municipality, request.after, request.venueId, request.limit, request.maxBytes ?? null],
  );
  const n = row?.n ?? 0;
  const next = row?.last ?? request.after;
  let more = false;
  let remaining: number | null = null;
  if (n > 0) {
    const visible = `FROM feed WHERE municipality = $1 AND seq > $2 AND (venue_id IS NULL OR venue_id = $3)`;
    // Cut short by the byte budget: there is more, without asking.
    const cut = n < (row?.read ?? 0);
    if (request.count) {
      const [counted] = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${visible}`, [request.municipality, next, request.venueId]);
      remaining = counted?.n ?? 0;
      more = remaining > 0;
    } else if (cut) {
      more = true;
    } else if (n >= request.limit) {
      const [exists] = await db.query<{ more: boolean }>(`SELECT EXISTS (SELECT 1 ${visible}) AS more`, [request.municipality, next, request.venueId]);
      more = exists?.more ?? false;
    }
  } else if (request.count) {
    remaining = 0;
  }
  const head = row?.head ?? 0;
  // Pages read for one device (not the long-polls answered from a shared read) carry the newest head held of its audit chain.
  const auditHead = request.deviceId === undefined ? undefined : JSON.stringify(await heldAuditHead(db, request.deviceId));
  return {
    json: pageJson({ after: request.after, next, more, remaining, head, items: row?.items ?? '', auditHead }),
    changes: n,
    next,
    scanned: Math.max(row?.scanned ?? 0, next),
    head,
  };
}
