import type { UploadRecord, UploadResult } from '../src/sync/protocol';
import { flagConflict } from './conflicts';
import type { Queryable } from './db';

/**
 * What new records do to others once stored, for a whole batch at once and
 * under the municipality's feed lock (so two batches of one municipality see
 * each other's records here, whichever committed first): voids take their
 * targets out, and two live records of one ticket and dose (or ticket and
 * day) are flagged as a conflict.
 */

type Dose = Extract<UploadRecord, { kind: 'dose' }>;
type Checkin = Extract<UploadRecord, { kind: 'checkin' }>;

/**
 * Marks voided every target of a void that is here: the batch's new targets
 * (a void may have come first) and the targets of its new voids. A void
 * applies only to a record of its own venue and kind; of several, the first
 * by id. Returns the tickets of the doses voided (their person is sent again).
 */
export async function applyVoids(tx: Queryable, targets: { readonly dose: readonly string[]; readonly checkin: readonly string[] }): Promise<string[]> {
  const doses = [...new Set(targets.dose)];
  const checkins = [...new Set(targets.checkin)];
  if (doses.length === 0 && checkins.length === 0) return [];
  const voided = (table: string, kind: string, ids: string) => /* sql */ `
    UPDATE ${table} t SET voided_by = (SELECT v.id FROM voids v WHERE v.target_id = t.id AND v.target_kind = '${kind}' AND v.venue_id = t.venue_id ORDER BY v.id LIMIT 1)
    WHERE t.id = ANY(${ids}::text[]) AND t.voided_by IS NULL
      AND EXISTS (SELECT 1 FROM voids v WHERE v.target_id = t.id AND v.target_kind = '${kind}' AND v.venue_id = t.venue_id)
    RETURNING t.ticket_number`;
  // Both tables in one statement (one round trip under the lock): they are separate rows, so neither update needs to see the other.
  const rows = await tx.query<{ ticket_number: string }>(
    `WITH c AS (${voided('checkins', 'checkin', '$2')}) ${voided('dose_records', 'dose', '$1')}`,
    [doses, checkins],
  );
  return rows.map((r) => r.ticket_number);
}

interface Clashing {
  readonly new_id: string;
  readonly id: string;
  readonly venue_id: string;
}

/** For each new record, the live records it clashes with that were stored before it (earlier in the batch, or in an earlier batch). */
function before(rows: readonly Clashing[], batch: readonly { data: { id: string } }[]): Map<string, Clashing[]> {
  const position = new Map(batch.map((r, i) => [r.data.id, i]));
  const byNew = new Map<string, Clashing[]>();
  for (const row of rows) {
    const mine = position.get(row.new_id) ?? -1;
    if ((position.get(row.id) ?? -1) >= mine) continue;
    const list = byNew.get(row.new_id) ?? [];
    list.push(row);
    byNew.set(row.new_id, list);
  }
  return byNew;
}

/** Flags performed, live doses of one ticket and dose number; returns the answers of the doses that clash. */
export async function flagDoseClashes(tx: Queryable, doses: readonly Dose[], now: Date): Promise<Map<string, UploadResult>> {
  const results = new Map<string, UploadResult>();
  const performed = doses.filter((d) => d.data.status === 'performed');
  if (performed.length === 0) return results;
  const rows = await tx.query<Clashing>(
    `SELECT n.id AS new_id, o.id, o.venue_id
     FROM unnest($1::text[]) AS n(id) JOIN dose_records d ON d.id = n.id
     JOIN dose_records o ON o.municipality = d.municipality AND o.ticket_number = d.ticket_number AND o.dose_number = d.dose_number
       AND o.status = 'performed' AND o.voided_by IS NULL AND o.id <> d.id
     WHERE d.voided_by IS NULL`,
    [performed.map((d) => d.data.id)],
  );
  const clashes = before(rows, performed);
  for (const dose of performed) {
    const others = clashes.get(dose.data.id);
    if (!others) continue;
    const d = dose.data;
    const conflict = await flagConflict(
      tx,
      { kind: 'dose', municipality: d.municipality, ticketNumber: d.ticketNumber, doseNumber: d.doseNumber, venueDate: d.venueDate },
      [...others.map((o) => ({ id: o.id, venueId: o.venue_id })), { id: d.id, venueId: d.venueId }],
      now,
    );
    results.set(d.id, { id: d.id, status: 'conflict', conflict });
  }
  return results;
}

/** Flags live check-ins of one ticket on one day; returns the answers of the check-ins that clash. */
export async function flagCheckinClashes(tx: Queryable, checkins: readonly Checkin[], now: Date): Promise<Map<string, UploadResult>> {
  const results = new Map<string, UploadResult>();
  if (checkins.length === 0) return results;
  const rows = await tx.query<Clashing>(
    `SELECT n.id AS new_id, o.id, o.venue_id
     FROM unnest($1::text[]) AS n(id) JOIN checkins d ON d.id = n.id
     JOIN checkins o ON o.municipality = d.municipality AND o.ticket_number = d.ticket_number AND o.venue_date = d.venue_date
       AND o.voided_by IS NULL AND o.id <> d.id
     WHERE d.voided_by IS NULL`,
    [checkins.map((c) => c.data.id)],
  );
  const clashes = before(rows, checkins);
  for (const checkin of checkins) {
    const others = clashes.get(checkin.data.id);
    if (!others) continue;
    const d = checkin.data;
    const conflict = await flagConflict(
      tx,
      { kind: 'checkin', municipality: d.municipality, ticketNumber: d.ticketNumber, doseNumber: d.doseNumber, venueDate: d.venueDate },
      [...others.map((o) => ({ id: o.id, venueId: o.venue_id })), { id: d.id, venueId: d.venueId }],
      now,
    );
    results.set(d.id, { id: d.id, status: 'conflict', conflict });
  }
  return results;
}
