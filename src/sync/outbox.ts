import { createHash } from 'node:crypto';
import { venueIso } from '../common/time';
import type { DoseCheckCode } from '../doses/check-codes';
import type { VenueDb } from '../store/database';
import { digestOf, type RecordDigest } from './digest';
import {
  uploadRecordSchema,
  type AuditHeadData,
  type CheckinData,
  type DayCloseData,
  type DayReopenData,
  type DeskDoctorData,
  type DeskLotData,
  type DiscrepancyNoteData,
  type DoseData,
  type LotData,
  type LotVialsData,
  type ObservationOutcomeData,
  type ResolutionData,
  type UploadKind,
  type UploadRecord,
  type UploadResult,
  type VoidData,
  type WalkInDecisionData,
  type WalkInRequestData,
} from './protocol';

/**
 * The outbox: every record made on this device, written in the same
 * transaction as the record itself, so a record can never exist without its
 * way to the central service (and vice versa). A row is 'pending' until sent,
 * 'sent' until the server has answered for it, then 'confirmed' (or
 * 'rejected'). Rows are kept after confirmation; "the outbox is empty" means
 * nothing is pending or sent.
 */
export type OutboxState = 'pending' | 'sent' | 'confirmed' | 'rejected';

export interface OutboxRow {
  readonly seq: number;
  readonly recordId: string;
  readonly kind: UploadKind;
  readonly body: string;
  readonly state: OutboxState;
  readonly attempts: number;
}

function enqueue(db: VenueDb, kind: UploadKind, id: string, data: object, now: Date): void {
  db.prepare(`INSERT INTO sync_outbox (record_id, kind, body, created_at) VALUES (?, ?, ?, ?)`).run(id, kind, JSON.stringify(data), venueIso(now));
}

/** What the core's CheckInRecord holds, plus the venue date it was stored under. */
export function enqueueCheckIn(db: VenueDb, record: Omit<CheckinData, 'venueDate'>, venueDate: string, now: Date): void {
  const data: CheckinData = {
    id: record.id,
    municipality: record.municipality,
    ticketNumber: record.ticketNumber,
    bookingId: record.bookingId,
    doseNumber: record.doseNumber,
    venueId: record.venueId,
    deskId: record.deskId,
    staffId: record.staffId,
    at: record.at,
    venueDate,
    walkInApprovedBy: record.walkInApprovedBy,
    // Only when set: a check-in without a walk-in keeps the body it always had.
    ...(record.walkInId ? { walkInId: record.walkInId } : {}),
  };
  enqueue(db, 'checkin', data.id, data, now);
}

/** The fields of a dose record that travel (the void pointer does not: voids are records of their own). */
export function enqueueDose(
  db: VenueDb,
  record: Omit<DoseData, 'checks'> & { readonly voidedBy?: string | null; readonly checks?: { readonly codes: readonly DoseCheckCode[]; readonly reason: string } | null },
  now: Date,
): void {
  const data: DoseData = {
    id: record.id,
    municipality: record.municipality,
    ticketNumber: record.ticketNumber,
    doseNumber: record.doseNumber,
    status: record.status,
    reason: record.reason,
    givenAt: record.givenAt,
    venueDate: record.venueDate,
    venueId: record.venueId,
    deskId: record.deskId,
    productId: record.productId,
    productName: record.productName,
    maker: record.maker,
    lotId: record.lotId,
    lotNumber: record.lotNumber,
    expiry: record.expiry,
    volumeMl: record.volumeMl,
    site: record.site,
    nurseId: record.nurseId,
    doctor: record.doctor,
    checkinId: record.checkinId,
    recordedAt: record.recordedAt,
    replaces: record.replaces,
    ...(record.observationMinutes === undefined ? {} : { observationMinutes: record.observationMinutes }),
    // Only when the nurse confirmed a product check: every other dose keeps the body it always had.
    ...(record.checks ? { checks: { codes: [...record.checks.codes], reason: record.checks.reason } } : {}),
  };
  enqueue(db, 'dose', data.id, data, now);
}

export function enqueueVoid(db: VenueDb, record: VoidData, now: Date): void {
  const data: VoidData = { id: record.id, targetKind: record.targetKind, targetId: record.targetId, reason: record.reason, staffId: record.staffId, at: record.at };
  enqueue(db, 'void', data.id, data, now);
}

export function enqueueLot(db: VenueDb, record: LotData, now: Date): void {
  const data: LotData = {
    id: record.id,
    venueId: record.venueId,
    productId: record.productId,
    lotNumber: record.lotNumber,
    expiry: record.expiry,
    addedBy: record.addedBy,
    addedAt: record.addedAt,
  };
  enqueue(db, 'lot', data.id, data, now);
}

export function enqueueAuditHead(db: VenueDb, data: AuditHeadData, now: Date): void {
  enqueue(db, 'audit_head', data.id, data, now);
}

export function enqueueResolution(db: VenueDb, data: ResolutionData, now: Date): void {
  enqueue(db, 'resolution', data.id, data, now);
}

// The supervisor's day. Each body is built field by field, in schema order, so
// what is queued is exactly what the server stores (and hashes) for it.

export function enqueueWalkInRequest(db: VenueDb, r: WalkInRequestData, now: Date): void {
  const data: WalkInRequestData = {
    id: r.id, municipality: r.municipality, ticketNumber: r.ticketNumber, venueId: r.venueId, venueDate: r.venueDate,
    deskId: r.deskId, requestedBy: r.requestedBy, requestedAt: r.requestedAt, verdictCode: r.verdictCode,
  };
  enqueue(db, 'walkin_request', data.id, data, now);
}

export function enqueueWalkInDecision(db: VenueDb, r: WalkInDecisionData, now: Date): void {
  const data: WalkInDecisionData = {
    id: r.id, requestId: r.requestId, municipality: r.municipality, ticketNumber: r.ticketNumber, venueId: r.venueId, venueDate: r.venueDate,
    deskId: r.deskId, outcome: r.outcome, productId: r.productId, reason: r.reason, decidedBy: r.decidedBy, decidedAt: r.decidedAt,
  };
  enqueue(db, 'walkin_decision', data.id, data, now);
}

export function enqueueObservationOutcome(db: VenueDb, r: ObservationOutcomeData, now: Date): void {
  const data: ObservationOutcomeData = { id: r.id, doseId: r.doseId, venueId: r.venueId, outcome: r.outcome, note: r.note, staffId: r.staffId, at: r.at };
  enqueue(db, 'observation_outcome', data.id, data, now);
}

export function enqueueDayClose(db: VenueDb, r: DayCloseData, now: Date): void {
  const data: DayCloseData = { id: r.id, venueId: r.venueId, venueDate: r.venueDate, staffId: r.staffId, at: r.at, note: r.note, summary: r.summary };
  enqueue(db, 'day_close', data.id, data, now);
}

export function enqueueDiscrepancyNote(db: VenueDb, r: DiscrepancyNoteData, now: Date): void {
  const data: DiscrepancyNoteData = { id: r.id, venueId: r.venueId, venueDate: r.venueDate, key: r.key, note: r.note, staffId: r.staffId, at: r.at };
  enqueue(db, 'discrepancy_note', data.id, data, now);
}

export function enqueueDeskLot(db: VenueDb, r: DeskLotData, now: Date): void {
  const data: DeskLotData = { id: r.id, venueId: r.venueId, deskId: r.deskId, lotId: r.lotId, staffId: r.staffId, fromAt: r.fromAt };
  enqueue(db, 'desk_lot', data.id, data, now);
}

export function enqueueDayReopen(db: VenueDb, r: DayReopenData, now: Date): void {
  const data: DayReopenData = { id: r.id, venueId: r.venueId, venueDate: r.venueDate, closeId: r.closeId, staffId: r.staffId, at: r.at, reason: r.reason };
  enqueue(db, 'day_reopen', data.id, data, now);
}

export function enqueueDeskDoctor(db: VenueDb, r: DeskDoctorData, now: Date): void {
  const data: DeskDoctorData = { id: r.id, venueId: r.venueId, deskId: r.deskId, venueDate: r.venueDate, doctor: r.doctor, staffId: r.staffId, at: r.at };
  enqueue(db, 'desk_doctor', data.id, data, now);
}

export function enqueueLotVials(db: VenueDb, r: LotVialsData, now: Date): void {
  const data: LotVialsData = { id: r.id, venueId: r.venueId, venueDate: r.venueDate, lotId: r.lotId, vials: r.vials, staffId: r.staffId, at: r.at };
  enqueue(db, 'lot_vials', data.id, data, now);
}

interface Row {
  seq: number;
  record_id: string;
  kind: UploadKind;
  body: string;
  state: OutboxState;
  attempts: number;
}

function toRow(row: Row): OutboxRow {
  return { seq: row.seq, recordId: row.record_id, kind: row.kind, body: row.body, state: row.state, attempts: row.attempts };
}

/**
 * The oldest rows the server has not answered for, marked 'sent'. Always
 * from the oldest, so a void never travels before the record it voids.
 */
export function takeBatch(db: VenueDb, limit: number, maxBytes: number, now: Date): OutboxRow[] {
  return db.transaction(() => {
    const rows = db
      .prepare(`SELECT seq, record_id, kind, body, state, attempts FROM sync_outbox WHERE state IN ('pending', 'sent') ORDER BY seq LIMIT ?`)
      .all(limit) as Row[];
    const batch: OutboxRow[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += row.body.length + 40;
      if (batch.length > 0 && bytes > maxBytes) break;
      batch.push(toRow(row));
    }
    const mark = db.prepare(`UPDATE sync_outbox SET state = 'sent', attempts = attempts + 1, sent_at = ? WHERE seq = ?`);
    const at = venueIso(now);
    for (const row of batch) mark.run(at, row.seq);
    return batch;
  })();
}

/** The batch as the server expects it. */
export function toUploadRecords(batch: readonly OutboxRow[]): UploadRecord[] {
  return batch.map((row) => ({ kind: row.kind, data: JSON.parse(row.body) as never }) as UploadRecord);
}

export interface AnswerSummary {
  readonly confirmed: number;
  readonly rejected: number;
  readonly conflicts: number;
}

/**
 * Applies the server's answer, record by record. Answers for ids this device
 * did not send, or sent and already had answered, change nothing: a stale or
 * duplicated response cannot confirm what the server never stored.
 */
export function recordAnswers(db: VenueDb, sentIds: ReadonlySet<string>, results: readonly UploadResult[], now: Date): AnswerSummary {
  const confirm = db.prepare(
    `UPDATE sync_outbox SET state = ?, outcome = ?, answered_at = ?, error_code = ? WHERE record_id = ? AND state IN ('pending', 'sent')`,
  );
  const at = venueIso(now);
  let confirmed = 0;
  let rejected = 0;
  let conflicts = 0;
  for (const result of results) {
    if (!sentIds.has(result.id)) continue;
    const state: OutboxState = result.status === 'rejected' ? 'rejected' : 'confirmed';
    const changed = confirm.run(state, result.status, at, result.error?.code ?? null, result.id).changes;
    if (changed === 0) continue;
    if (state === 'rejected') rejected += 1;
    else confirmed += 1;
    if (result.status === 'conflict') conflicts += 1;
  }
  return { confirmed, rejected, conflicts };
}

/** Everything answered for goes back to pending (after the server lost data: see startOver in service.ts). */
export function requeueAll(db: VenueDb): number {
  return db.prepare(`UPDATE sync_outbox SET state = 'pending', outcome = NULL, error_code = NULL WHERE state IN ('confirmed', 'rejected')`).run().changes;
}

export interface OutboxCounts {
  readonly pending: number;
  readonly sent: number;
  readonly confirmed: number;
  readonly rejected: number;
}

export function outboxCounts(db: VenueDb): OutboxCounts {
  const counts = { pending: 0, sent: 0, confirmed: 0, rejected: 0 };
  for (const row of db.prepare(`SELECT state, count(*) AS n FROM sync_outbox GROUP BY state`).all() as { state: OutboxState; n: number }[]) {
    counts[row.state] = row.n;
  }
  return counts;
}

/** Rows not yet answered for (pending or sent). */
export function openOutboxCount(db: VenueDb): number {
  return (db.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE state IN ('pending', 'sent')`).get() as { n: number }).n;
}

/** Ids of records of a kind that the central service has not confirmed yet (for the day's reconciliation). */
export function unconfirmedRecordIds(db: VenueDb, kinds: readonly UploadKind[] = ['checkin', 'dose', 'void']): string[] {
  const placeholders = kinds.map(() => '?').join(', ');
  return (
    db.prepare(`SELECT record_id FROM sync_outbox WHERE state <> 'confirmed' AND kind IN (${placeholders}) ORDER BY seq`).all(...kinds) as { record_id: string }[]
  ).map((r) => r.record_id);
}

/**
 * Everything this device has made, as the server stores it (each body
 * parsed by the upload schema and written back, as the server does), for
 * comparing with the server's digest of the same device.
 */
export function outboxDigest(db: VenueDb): RecordDigest {
  const rows = db.prepare(`SELECT record_id, kind, body FROM sync_outbox ORDER BY seq`).all() as { record_id: string; kind: UploadKind; body: string }[];
  return digestOf(
    rows.map((row) => {
      const parsed = uploadRecordSchema.parse({ kind: row.kind, data: JSON.parse(row.body) as unknown });
      return { id: row.record_id, kind: row.kind, bodyHash: createHash('sha256').update(JSON.stringify(parsed.data)).digest('hex') };
    }),
  );
}
