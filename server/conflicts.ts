import { uuidv7 } from '../src/common/ids';
import { conflictKey, type ConflictData } from '../src/sync/protocol';
import type { CentralDb, Queryable } from './db';
import { emit, lockFeed, notifyFeed } from './feed';
import { Problem, refuseIndividualNumber, shown } from './problems';

/**
 * Conflicts: the same ticket and dose recorded twice with different ids (two
 * desks offline, two venues), or the same ticket checked in twice on one day,
 * or one walk-in request decided twice (two supervisors' devices apart).
 * Both records are kept; the conflict is flagged here and sent to every
 * venue involved, for a supervisor to sort out. Nothing is merged or dropped.
 */

type ConflictKind = ConflictData['kind'];

/** Where the records of each kind of conflict are, and the time each shows. */
const RECORDS_OF: Record<ConflictKind, { table: string; at: string }> = {
  dose: { table: 'dose_records', at: 'given_at' },
  checkin: { table: 'checkins', at: 'at' },
  walkin: { table: 'walkin_decisions', at: 'decided_at' },
};

interface ConflictRow {
  id: string;
  municipality: string;
  kind: ConflictKind;
  ticket_number: string;
  dose_number: number | null;
  venue_date: string | null;
  record_ids: string[];
  venue_ids: string[];
  detected_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  note: string | null;
}

export async function conflictDoc(tx: Queryable, row: ConflictRow): Promise<ConflictData> {
  const table = RECORDS_OF[row.kind].table;
  const at = `r.${RECORDS_OF[row.kind].at}`;
  const records = await tx.query<{ id: string; venue_id: string; venue_name: string | null; desk_id: string; at: string }>(
    `SELECT r.id, r.venue_id, v.name AS venue_name, r.desk_id, ${at} AS at FROM ${table} r LEFT JOIN venues v ON v.id = r.venue_id
     WHERE r.id = ANY($1::text[]) ORDER BY ${at}, r.id`,
    [row.record_ids],
  );
  return {
    ...conflictKey(row),
    records: records.map((r) => ({ id: r.id, venueId: r.venue_id, venueName: r.venue_name, deskId: r.desk_id, at: r.at })),
    detectedAt: new Date(row.detected_at).toISOString(),
    resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
    resolvedBy: row.resolved_by,
    note: row.note,
  };
}

/** Sends the conflict to every venue involved (each sees it in its own feed). Call after lockFeed. */
async function publish(tx: Queryable, row: ConflictRow): Promise<ConflictData> {
  const doc = await conflictDoc(tx, row);
  const body = JSON.stringify(doc);
  await emit(
    tx,
    row.municipality,
    row.venue_ids.map((venueId) => ({ venueId, kind: 'conflict' as const, key: `${row.id}@${venueId}`, body })),
  );
  return doc;
}

const COLUMNS = `id, municipality, kind, ticket_number, dose_number, venue_date, record_ids, venue_ids, detected_at, resolved_at, resolved_by, note`;

/** What makes two clashes the same conflict: the dose, the day, or the walk-in request. */
function sameClash(clash: Clash): { where: string; value: string | number | null } {
  switch (clash.kind) {
    case 'dose':
      return { where: 'dose_number = $4', value: clash.doseNumber };
    case 'checkin':
      return { where: 'venue_date = $4', value: clash.venueDate };
    case 'walkin':
      return { where: 'subject = $4', value: clash.subject ?? null };
  }
}

export interface Clash {
  readonly kind: ConflictKind;
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly doseNumber: number | null;
  readonly venueDate: string | null;
  /** The walk-in request two decisions are about. */
  readonly subject?: string;
}

/**
 * Flags a clash between a record just stored and others already here. An
 * open conflict about the same ticket (and dose, or day, or walk-in request)
 * grows; otherwise a new one starts. Call after lockFeed, inside the storing
 * transaction.
 */
export async function flagConflict(tx: Queryable, clash: Clash, records: readonly { id: string; venueId: string }[], now: Date): Promise<ConflictData> {
  const match = sameClash(clash);
  const [open] = await tx.query<ConflictRow>(
    `SELECT ${COLUMNS} FROM conflicts WHERE municipality = $1 AND kind = $2 AND ticket_number = $3 AND ${match.where} AND resolved_at IS NULL LIMIT 1`,
    [clash.municipality, clash.kind, clash.ticketNumber, match.value],
  );
  const ids = [...new Set([...(open?.record_ids ?? []), ...records.map((r) => r.id)])];
  const venues = [...new Set([...(open?.venue_ids ?? []), ...records.map((r) => r.venueId)])];
  let row: ConflictRow | undefined;
  if (open) {
    [row] = await tx.query<ConflictRow>(`UPDATE conflicts SET record_ids = $2::text[], venue_ids = $3::text[] WHERE id = $1 RETURNING ${COLUMNS}`, [open.id, ids, venues]);
  } else {
    [row] = await tx.query<ConflictRow>(
      `INSERT INTO conflicts (id, municipality, kind, ticket_number, dose_number, venue_date, record_ids, venue_ids, detected_at, subject)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::text[], $9, $10) RETURNING ${COLUMNS}`,
      [uuidv7(now.getTime()), clash.municipality, clash.kind, clash.ticketNumber, clash.doseNumber, clash.venueDate, ids, venues, now, clash.subject ?? null],
    );
  }
  if (!row) throw new Error('conflict row vanished');
  return publish(tx, row);
}

/** Marks a conflict resolved (first resolution wins) and tells every venue involved. Call after lockFeed. */
export async function markResolved(tx: Queryable, conflictId: string, by: string, note: string, now: Date): Promise<ConflictData | null> {
  const [row] = await tx.query<ConflictRow>(
    `UPDATE conflicts SET resolved_at = COALESCE(resolved_at, $2), resolved_by = COALESCE(resolved_by, $3), note = COALESCE(note, $4)
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [conflictId, now, by, note],
  );
  return row ? publish(tx, row) : null;
}

export async function findConflict(tx: Queryable, conflictId: string): Promise<{ municipality: string; venue_ids: string[] } | null> {
  const [row] = await tx.query<{ municipality: string; venue_ids: string[] }>(`SELECT municipality, venue_ids FROM conflicts WHERE id = $1`, [conflictId]);
  return row ?? null;
}

/** For the administrator: conflicts of a municipality (or all), open ones unless asked. */
export async function listConflicts(db: CentralDb, options: { municipality?: string; includeResolved?: boolean } = {}): Promise<ConflictData[]> {
  const rows = await db.query<ConflictRow>(
    `SELECT ${COLUMNS} FROM conflicts WHERE ($1::text IS NULL OR municipality = $1) AND ($2 OR resolved_at IS NULL) ORDER BY detected_at`,
    [options.municipality ?? null, options.includeResolved ?? false],
  );
  const docs: ConflictData[] = [];
  for (const row of rows) docs.push(await conflictDoc(db, row));
  return docs;
}

/** The administrator resolves a conflict from the command line. */
export async function resolveConflictCentrally(db: CentralDb, input: { conflictId: string; note: string; by: string }, now: Date): Promise<ConflictData> {
  const note = input.note.trim();
  if (note.length < 2 || note.length > 200) throw new Problem(400, 'NOTE_REQUIRED', 'Write a note of 2–200 characters saying how it was resolved.', 'どう解決したかを2〜200文字で書いてください。');
  refuseIndividualNumber(note, { en: 'note', ja: 'メモ' });
  refuseIndividualNumber(input.by, { en: 'name of who resolved it (--by)', ja: '解決した人の名前（--by）' });
  return db.transaction(async (tx) => {
    const found = await findConflict(tx, input.conflictId);
    if (!found) throw new Problem(404, 'UNKNOWN_CONFLICT', `There is no conflict ${shown(input.conflictId)}.`, `競合 ${shown(input.conflictId)} はありません。`);
    await lockFeed(tx, found.municipality);
    const doc = await markResolved(tx, input.conflictId, input.by, note, now);
    if (!doc) throw new Problem(404, 'UNKNOWN_CONFLICT', `There is no conflict ${shown(input.conflictId)}.`, `競合 ${shown(input.conflictId)} はありません。`);
    await notifyFeed(tx, found.municipality);
    return doc;
  });
}
