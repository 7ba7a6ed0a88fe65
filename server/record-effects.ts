import type { UploadRecord, UploadResult } from '../src/sync/protocol';
import { flagConflict, type Clash } from './conflicts';
import type { Queryable } from './db';
import { prepared } from './queryable';

/**
 * What new records do to others once stored, for a whole batch at once and
 * under the municipality's feed lock (so two batches of one municipality see
 * each other's records here, whichever committed first): voids take their
 * targets out, and two live records of one ticket and dose (or ticket and
 * day, or walk-in request) are flagged as a conflict.
 *
 * One statement does all of it (one round trip while the lock is held,
 * whatever the batch holds, built of the parts it needs): the voids, and the
 * clashes read from the same snapshot with the records those voids take out
 * left aside (an update in a statement is not seen by its other parts). Only
 * a clash, which is rare, costs more statements (flagConflict).
 */

type Dose = Extract<UploadRecord, { kind: 'dose' }>;
type Checkin = Extract<UploadRecord, { kind: 'checkin' }>;
type Decision = Extract<UploadRecord, { kind: 'walkin_decision' }>;

export interface BatchEffects {
  /** The batch's new records of these kinds, in batch order. */
  readonly doses: readonly Dose[];
  readonly checkins: readonly Checkin[];
  readonly decisions: readonly Decision[];
  /** The batch's new voids. */
  readonly voids: readonly Extract<UploadRecord, { kind: 'void' }>[];
}

export interface EffectsResult {
  /** Tickets of the doses voided (their person is sent again). */
  readonly voidedTickets: string[];
  /** The answers of the records that clash (status conflict), by record id. */
  readonly clashes: Map<string, UploadResult>;
}

interface Row {
  /** 'voided' (a dose taken out by a void), or the kind of clash. */
  readonly what: 'voided' | 'dose' | 'checkin' | 'walkin';
  readonly new_id: string | null;
  readonly id: string | null;
  readonly venue_id: string | null;
  readonly ticket_number: string | null;
}

/**
 * A void applies only to a record of its own venue and kind; of several, the
 * first by id. Targets: the batch's new records (their void may have come
 * first) and the targets of its new voids.
 */
const voided = (table: string, kind: string, ids: string) => /* sql */ `
  UPDATE ${table} t SET voided_by = (SELECT v.id FROM voids v WHERE v.target_id = t.id AND v.target_kind = '${kind}' AND v.venue_id = t.venue_id ORDER BY v.id LIMIT 1)
  WHERE t.id = ANY(${ids}::text[]) AND t.voided_by IS NULL
    AND EXISTS (SELECT 1 FROM voids v WHERE v.target_id = t.id AND v.target_kind = '${kind}' AND v.venue_id = t.venue_id)
  RETURNING t.id, t.ticket_number`;

/** Live records of the same table that clash with a new one (`same`: the columns that make two records one), leaving out those voided by this statement (`gone`). */
const clashing = (what: string, table: string, ids: string, same: string, live: string, gone: string | null) => /* sql */ `
  SELECT '${what}' AS what, n.id AS new_id, o.id, o.venue_id, NULL AS ticket_number
  FROM unnest(${ids}::text[]) AS n(id) JOIN ${table} d ON d.id = n.id
  JOIN ${table} o ON ${same} AND o.id <> d.id ${live ? `AND o.${live} AND d.${live}` : ''}
  ${gone ? `WHERE d.id NOT IN (SELECT id FROM ${gone}) AND o.id NOT IN (SELECT id FROM ${gone})` : ''}`;

/**
 * The statement for what this batch holds: only the parts it needs (planning
 * the whole of it took PostgreSQL four times as long as running it for one
 * dose). Each shape is one text, kept prepared; parameters in order of use.
 */
function effectsStatement(p: { doseTargets: string[]; checkinTargets: string[]; performed: string[]; checkins: string[]; decisions: string[] }): { sql: string; params: string[][] } {
  const params: string[][] = [];
  const param = (ids: string[]) => {
    params.push(ids);
    return `$${params.length}`;
  };
  const ctes: string[] = [];
  const selects: string[] = [];
  if (p.doseTargets.length > 0) {
    ctes.push(`vd AS (${voided('dose_records', 'dose', param(p.doseTargets))})`);
    selects.push(`SELECT 'voided' AS what, NULL AS new_id, id, NULL AS venue_id, ticket_number FROM vd`);
  }
  // Runs whether or not anything reads it (a data-modifying WITH always does).
  if (p.checkinTargets.length > 0) ctes.push(`vc AS (${voided('checkins', 'checkin', param(p.checkinTargets))})`);
  if (p.performed.length > 0) {
    const same = `o.municipality = d.municipality AND o.ticket_number = d.ticket_number AND o.dose_number = d.dose_number AND o.status = 'performed'`;
    selects.push(clashing('dose', 'dose_records', param(p.performed), same, 'voided_by IS NULL', p.doseTargets.length > 0 ? 'vd' : null));
  }
  if (p.checkins.length > 0) {
    const same = 'o.municipality = d.municipality AND o.ticket_number = d.ticket_number AND o.venue_date = d.venue_date';
    selects.push(clashing('checkin', 'checkins', param(p.checkins), same, 'voided_by IS NULL', p.checkinTargets.length > 0 ? 'vc' : null));
  }
  if (p.decisions.length > 0) selects.push(clashing('walkin', 'walkin_decisions', param(p.decisions), 'o.request_id = d.request_id AND o.venue_id = d.venue_id', '', null));
  if (selects.length === 0) selects.push(`SELECT NULL::text AS what, NULL::text AS new_id, NULL::text AS id, NULL::text AS venue_id, NULL::text AS ticket_number WHERE false`);
  return { sql: prepared(`${ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n` : ''}${selects.join('\nUNION ALL\n')}`), params };
}

/** Flags each new record of a kind against the live records stored before it: in earlier batches, or earlier in this one. */
async function flag<R extends Dose | Checkin | Decision>(
  { tx, rows, now, clashes }: { tx: Queryable; rows: readonly Row[]; now: Date; clashes: Map<string, UploadResult> },
  what: Row['what'],
  records: readonly R[],
  clash: (data: R['data']) => Clash,
): Promise<void> {
  const position = new Map(records.map((r, i) => [r.data.id, i]));
  for (const [i, record] of records.entries()) {
    const others = rows.filter((r) => r.what === what && r.new_id === record.data.id && (position.get(r.id as string) ?? -1) < i);
    if (others.length === 0) continue;
    const involved = [...others.map((o) => ({ id: o.id as string, venueId: o.venue_id as string })), { id: record.data.id, venueId: record.data.venueId }];
    clashes.set(record.data.id, { id: record.data.id, status: 'conflict', conflict: await flagConflict(tx, clash(record.data), involved, now) });
  }
}

/** Applies the batch's voids and flags its clashes. Call after lockFeed. */
export async function applyEffects(tx: Queryable, batch: BatchEffects, now: Date): Promise<EffectsResult> {
  const targets = (kind: 'dose' | 'checkin', own: readonly { data: { id: string } }[]) => [
    ...new Set([...own.map((r) => r.data.id), ...batch.voids.filter((v) => v.data.targetKind === kind).map((v) => v.data.targetId)]),
  ];
  const doseTargets = targets('dose', batch.doses);
  const checkinTargets = targets('checkin', batch.checkins);
  const performed = batch.doses.filter((d) => d.data.status === 'performed');
  const clashes = new Map<string, UploadResult>();
  if (doseTargets.length + checkinTargets.length + batch.decisions.length === 0) return { voidedTickets: [], clashes };
  const statement = effectsStatement({
    doseTargets,
    checkinTargets,
    performed: performed.map((d) => d.data.id),
    checkins: batch.checkins.map((c) => c.data.id),
    decisions: batch.decisions.map((d) => d.data.id),
  });
  const rows = await tx.query<Row>(statement.sql, statement.params);

  const voidedTickets = rows.filter((r) => r.what === 'voided').map((r) => r.ticket_number as string);
  const context = { tx, rows, now, clashes };
  await flag(context, 'dose', performed, (d) => ({ kind: 'dose', municipality: d.municipality, ticketNumber: d.ticketNumber, doseNumber: d.doseNumber, venueDate: d.venueDate }));
  await flag(context, 'checkin', batch.checkins, (d) => ({ kind: 'checkin', municipality: d.municipality, ticketNumber: d.ticketNumber, doseNumber: d.doseNumber, venueDate: d.venueDate }));
  // Two supervisors decided one request (their devices were apart): both kept, every device applies the earliest, the supervisors are told.
  await flag(context, 'walkin', batch.decisions, (d) => ({ kind: 'walkin', municipality: d.municipality, ticketNumber: d.ticketNumber, doseNumber: null, venueDate: d.venueDate, subject: d.requestId }));
  return { voidedTickets, clashes };
}
