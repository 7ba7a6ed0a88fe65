import { uuidv7 } from '../common/ids';
import { NO_INDIVIDUAL_NUMBER, text } from '../common/messages';
import { venueDate, venueIso } from '../common/time';
import { getProduct } from '../doses/catalog';
import { findTicket } from '../roster/repo';
import type { VenueDb } from '../store/database';
import { containsIndividualNumber } from '../privacy/individual-number';
import type { WalkInDecisionData, WalkInRequestData } from '../records/schemas';
import type { RecordSink } from '../records/sink';
import { WALK_IN_VERDICTS, type WalkInVerdict } from '../records/vocabulary';
import { decideVerdict, type TicketRef, type VerdictContext } from './verdict';
import { StaffRefusal } from '../common/refusal';

export type WalkInStatus = 'pending' | 'approved' | 'declined' | 'used';

export interface WalkInRequest {
  readonly id: string;
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly venueDate: string;
  readonly deskId: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly verdictCode: string;
  readonly status: WalkInStatus;
  readonly productId: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly reason: string | null;
}

interface WalkInRow {
  id: string;
  municipality: string;
  ticket_number: string;
  venue_date: string;
  desk_id: string;
  requested_by: string;
  requested_at: string;
  verdict_code: string;
  status: WalkInStatus;
  product_id: string | null;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}

function toRequest(row: WalkInRow): WalkInRequest {
  return {
    id: row.id,
    municipality: row.municipality,
    ticketNumber: row.ticket_number,
    venueDate: row.venue_date,
    deskId: row.desk_id,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    verdictCode: row.verdict_code,
    status: row.status,
    productId: row.product_id,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    reason: row.reason,
  };
}

export class WalkInRefusal extends StaffRefusal {}

function isWalkInVerdict(code: string): code is WalkInVerdict {
  return (WALK_IN_VERDICTS as readonly string[]).includes(code);
}

/** Today's latest walk-in request for a ticket at a venue, if any. */
export function latestWalkIn(db: VenueDb, ticket: TicketRef, venueId: string, date: string): WalkInRequest | null {
  const row = db
    .prepare(
      `SELECT * FROM walk_in_requests WHERE municipality = ? AND ticket_number = ? AND venue_id = ? AND venue_date = ?
       ORDER BY requested_at DESC, id DESC LIMIT 1`,
    )
    .get(ticket.municipality, ticket.number, venueId, date) as WalkInRow | undefined;
  return row ? toRequest(row) : null;
}

/**
 * Reception asks the supervisor to let someone in without a booking for
 * here and today. Only a live ticket in the roster, refused only for the
 * booking, can be asked for; anything else stays refused.
 */
export function requestWalkIn(
  db: VenueDb,
  ticket: TicketRef,
  context: VerdictContext & { deskId: string; staffId: string },
  records: RecordSink,
): WalkInRequest {
  const verdict = decideVerdict(db, ticket, context);
  const verdictCode = verdict.code;
  if (!isWalkInVerdict(verdictCode)) {
    throw new WalkInRefusal(
      'NOT_A_WALK_IN',
      text(
        `当日受付の対象ではありません（${verdict.headline.ja}）。`,
        `This cannot be a walk-in (${verdict.headline.en}).`,
      ),
    );
  }
  const today = venueDate(context.now);
  const existing = latestWalkIn(db, ticket, context.venueId, today);
  if (existing && (existing.status === 'pending' || existing.status === 'approved')) return existing;
  const person = findTicket(db, ticket.municipality, ticket.number);
  if (!person) throw new WalkInRefusal('UNKNOWN_TICKET', text('名簿にない接種券です。', 'This ticket is not in the roster.'));
  // The record as it travels, in schema order.
  const request: WalkInRequestData = {
    id: uuidv7(context.now.getTime()),
    municipality: ticket.municipality,
    ticketNumber: ticket.number,
    venueId: context.venueId,
    venueDate: today,
    deskId: context.deskId,
    requestedBy: context.staffId,
    requestedAt: venueIso(context.now),
    verdictCode,
  };
  storeWalkInRequest(db, request, person.person.id);
  // With the row, in the call's transaction: the supervisors' devices learn of the request through the central service.
  records.add('walkin_request', request);
  return requestById(db, request.id);
}

export function listWalkIns(db: VenueDb, venueId: string, date: string): WalkInRequest[] {
  return (
    db.prepare(`SELECT * FROM walk_in_requests WHERE venue_id = ? AND venue_date = ? ORDER BY requested_at`).all(venueId, date) as WalkInRow[]
  ).map(toRequest);
}

/**
 * A supervisor approves (naming the product to be given) or declines, with a
 * reason. The decision is a record of its own (walk_in_decisions), sent to the
 * other desks; the request's status follows from it (settleWalkIn).
 */
export function decideWalkIn(
  db: VenueDb,
  input: { requestId: string; approve: boolean; productId?: string | null; reason: string; deskId?: string },
  supervisorId: string,
  now: Date,
  records: RecordSink,
): WalkInRequest {
  const row = db.prepare(`SELECT * FROM walk_in_requests WHERE id = ?`).get(input.requestId) as (WalkInRow & { venue_id: string }) | undefined;
  if (!row) throw new WalkInRefusal('UNKNOWN_REQUEST', text('その当日受付の依頼は見つかりません。', 'No such walk-in request.'));
  if (row.status !== 'pending') {
    throw new WalkInRefusal('ALREADY_DECIDED', text('この依頼は既に判断済みです。', 'This request has already been decided.'));
  }
  if (input.approve && (!input.productId || !getProduct(db, input.productId))) {
    throw new WalkInRefusal('PRODUCT_REQUIRED', text('接種するワクチン（製品）を選んでください。', 'Choose the product to be given.'));
  }
  const reason = input.reason.trim();
  if (containsIndividualNumber(reason)) throw new WalkInRefusal('INDIVIDUAL_NUMBER', NO_INDIVIDUAL_NUMBER);
  // The record as it travels, in schema order.
  const decision: WalkInDecisionData = {
    id: uuidv7(now.getTime()),
    requestId: row.id,
    municipality: row.municipality,
    ticketNumber: row.ticket_number,
    venueId: row.venue_id,
    venueDate: row.venue_date,
    // The deciding supervisor's desk; the request's desk when the caller does not say.
    deskId: input.deskId ?? row.desk_id,
    outcome: input.approve ? 'approved' : 'declined',
    productId: input.approve ? (input.productId ?? null) : null,
    reason,
    decidedBy: supervisorId,
    decidedAt: venueIso(now),
  };
  storeWalkInDecision(db, decision);
  // With the row, in the call's transaction: reception's device learns of the decision through the central service.
  records.add('walkin_decision', decision);
  return requestById(db, row.id);
}

function requestById(db: VenueDb, id: string): WalkInRequest {
  return toRequest(db.prepare(`SELECT * FROM walk_in_requests WHERE id = ?`).get(id) as WalkInRow);
}

/**
 * The walk_in_requests table's one insert, for a request made here and one from the feed; its
 * status is derived again from what is here (its decisions or its check-in may have come first).
 * False when it was already here.
 */
export function storeWalkInRequest(db: VenueDb, request: WalkInRequestData, personId: number): boolean {
  const inserted = db
    .prepare(
      `INSERT OR IGNORE INTO walk_in_requests (id, municipality, ticket_number, person_id, venue_id, venue_date, desk_id, requested_by, requested_at, verdict_code)
       VALUES (@id, @municipality, @ticketNumber, @personId, @venueId, @venueDate, @deskId, @requestedBy, @requestedAt, @verdictCode)`,
    )
    .run({ ...request, personId }).changes > 0;
  if (inserted) settleWalkIn(db, request.id);
  return inserted;
}

/**
 * The walk_in_decisions table's one insert, for a decision made here and one from the feed; the
 * request's status follows from it (a request not here yet is settled when it arrives). False when
 * it was already here.
 */
export function storeWalkInDecision(db: VenueDb, decision: WalkInDecisionData): boolean {
  const inserted = db
    .prepare(
      `INSERT OR IGNORE INTO walk_in_decisions (id, request_id, venue_id, desk_id, outcome, product_id, reason, decided_by, decided_at)
       VALUES (@id, @requestId, @venueId, @deskId, @outcome, @productId, @reason, @decidedBy, @decidedAt)`,
    )
    .run(decision).changes > 0;
  if (inserted) settleWalkIn(db, decision.requestId);
  return inserted;
}


/** Marks an approved request as used by the check-in it allowed (call after inserting the check-in naming it in walk_in_id). */
export function useWalkIn(db: VenueDb, requestId: string): void {
  settleWalkIn(db, requestId);
}

/**
 * Derives a request's status from the records about it, the same way on
 * every device: used once a check-in names it; otherwise decided by the
 * earliest decision (by time, then id), whichever device it came from; else
 * pending. A later decision never silently replaces an earlier one: it stays
 * in walk_in_decisions, and the central service flags the pair as a conflict.
 */
export function settleWalkIn(db: VenueDb, requestId: string): void {
  const decision = db
    .prepare(`SELECT outcome, product_id, decided_by, decided_at, reason FROM walk_in_decisions WHERE request_id = ? ORDER BY decided_at, id LIMIT 1`)
    .get(requestId) as { outcome: 'approved' | 'declined'; product_id: string | null; decided_by: string; decided_at: string; reason: string } | undefined;
  const checkin = db.prepare(`SELECT id FROM checkins WHERE walk_in_id = ? ORDER BY at, id LIMIT 1`).get(requestId) as { id: string } | undefined;
  const status: WalkInStatus = checkin ? 'used' : (decision?.outcome ?? 'pending');
  db.prepare(`UPDATE walk_in_requests SET status = ?, product_id = ?, decided_by = ?, decided_at = ?, reason = ?, checkin_id = ? WHERE id = ?`).run(
    status,
    decision?.product_id ?? null,
    decision?.decided_by ?? null,
    decision?.decided_at ?? null,
    decision?.reason ?? null,
    checkin?.id ?? null,
    requestId,
  );
}
