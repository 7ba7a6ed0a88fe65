/**
 * The records made at a venue, as zod schemas: what a domain module makes,
 * what the outbox holds and sends, what the central service stores and what
 * the change feed hands back to the other devices. A leaf: it imports only
 * the shared schemas and the vocabulary beside it, so the domain (checkin,
 * doses, day), sync and the server all import it and none of them imports
 * another through it.
 */
import { z } from 'zod';
import { doseNumber, instant, isoDate, municipalityCode, recordId, shortId, ticketNumber } from '../common/schemas';
import { noIndividualNumber } from '../privacy/schema';
import { DOSE_CHECK_CODES, INJECTION_SITES, WALK_IN_VERDICTS } from './vocabulary';

/** The supervisor's-day records of the venue, each an immutable record with its own id (see "Up" below). */
export const DAY_KINDS = ['walkin_request', 'walkin_decision', 'observation_outcome', 'day_close', 'discrepancy_note', 'desk_lot', 'lot_vials', 'day_reopen', 'desk_doctor'] as const;
export type DayKind = (typeof DAY_KINDS)[number];

export function isDayKind(kind: string): kind is DayKind {
  return (DAY_KINDS as readonly string[]).includes(kind);
}

// ---------------------------------------------------------------------------
// Up: records made at the venue. Each record's id is made on the device
// (UUIDv7); the server stores each id once, however often it arrives.
// Every text field refuses an individual number (src/privacy): the device
// refuses it before anything is stored, so the outbox never holds a record
// the server would refuse; the server refuses it again for any other sender.

/** Free text, names and ids: at most `max` characters, never an individual number. */
function text(max: number, min = 0) {
  return noIndividualNumber(z.string().min(min).max(max));
}

const staffRef = text(64, 1);

export const checkinData = z.strictObject({
  id: recordId,
  municipality: municipalityCode,
  ticketNumber,
  bookingId: text(40).nullable(),
  doseNumber,
  venueId: shortId,
  deskId: shortId,
  staffId: staffRef,
  at: instant,
  venueDate: isoDate,
  walkInApprovedBy: staffRef.nullable(),
  /** The walk-in request this check-in used (its status becomes "used" on every device); absent when none. */
  walkInId: recordId.optional(),
});
export type CheckinData = z.infer<typeof checkinData>;

export const doseData = z.strictObject({
  id: recordId,
  municipality: municipalityCode,
  ticketNumber,
  doseNumber,
  status: z.enum(['performed', 'not_performed']),
  reason: text(200).nullable(),
  givenAt: instant,
  venueDate: isoDate,
  venueId: shortId,
  deskId: shortId,
  productId: text(64).nullable(),
  productName: text(80).nullable(),
  maker: text(20).nullable(),
  lotId: text(64).nullable(),
  lotNumber: text(20).nullable(),
  expiry: isoDate.nullable(),
  volumeMl: z.number().positive().max(1).nullable(),
  site: z.enum(INJECTION_SITES).nullable(),
  nurseId: staffRef,
  doctor: text(20).nullable(),
  checkinId: recordId.nullable(),
  recordedAt: instant,
  replaces: recordId.nullable(),
  /** How long the person is observed after the dose (15 or 30); absent from older devices. */
  observationMinutes: z.number().int().min(0).max(120).nullable().optional(),
  /** Product checks the nurse confirmed before the save, with the reason; absent when there was nothing to confirm. */
  checks: z.strictObject({ codes: z.array(z.enum(DOSE_CHECK_CODES)).min(1).max(DOSE_CHECK_CODES.length), reason: staffNote(2) }).optional(),
});
export type DoseData = z.infer<typeof doseData>;

export const voidData = z.strictObject({
  id: recordId,
  targetKind: z.enum(['checkin', 'dose']),
  targetId: recordId,
  reason: text(200, 2),
  staffId: staffRef,
  at: instant,
});
export type VoidData = z.infer<typeof voidData>;

export const lotData = z.strictObject({
  id: shortId,
  venueId: shortId,
  productId: text(64, 1),
  lotNumber: text(20, 1),
  expiry: isoDate,
  addedBy: staffRef.nullable(),
  addedAt: instant,
});
export type LotData = z.infer<typeof lotData>;

/** The device's audit chain head: a copy the device cannot rewrite later. */
export const auditHeadData = z.strictObject({
  id: recordId,
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: instant,
});
export type AuditHeadData = z.infer<typeof auditHeadData>;

export const resolutionData = z.strictObject({
  id: recordId,
  conflictId: text(64, 1),
  staffId: staffRef,
  at: instant,
  note: staffNote(2),
});
export type ResolutionData = z.infer<typeof resolutionData>;

// ---------------------------------------------------------------------------
// The supervisor's day. Each change is a record of its own, never an edit of
// another: a walk-in request and the decisions on it, an observation's
// outcome, a day's close, an explanation, a desk's lot from an instant, the
// vials opened of a lot on a day. Devices derive the current state from the
// records (walk_in_requests, observations, desks.active_lot_id, lot_vials,
// day_closes), so every device of the venue ends up with the same state
// whatever order the records arrived in.

/**
 * Free text typed by staff (reasons, notes). An individual number never
 * reaches a venue record, so text carrying one is refused here (and by the
 * device before it is stored, so the outbox never holds a record the server
 * would refuse).
 */
function staffNote(min: number, max = 200) {
  return noIndividualNumber(z.string().trim().min(min).max(max));
}


export const walkInRequestData = z.strictObject({
  id: recordId,
  municipality: municipalityCode,
  ticketNumber,
  venueId: shortId,
  venueDate: isoDate,
  deskId: shortId,
  requestedBy: staffRef,
  requestedAt: instant,
  verdictCode: z.enum(WALK_IN_VERDICTS),
});
export type WalkInRequestData = z.infer<typeof walkInRequestData>;

/**
 * A supervisor's decision on a walk-in request. It names the request's ticket
 * and day as well, so that two decisions on one request can be flagged even
 * before the request itself has reached the server.
 */
export const walkInDecisionData = z
  .strictObject({
    id: recordId,
    requestId: recordId,
    municipality: municipalityCode,
    ticketNumber,
    venueId: shortId,
    venueDate: isoDate,
    deskId: shortId,
    outcome: z.enum(['approved', 'declined']),
    productId: text(64, 1).nullable(),
    reason: staffNote(2),
    decidedBy: staffRef,
    decidedAt: instant,
  })
  .refine((d) => d.outcome === 'declined' || d.productId !== null, { path: ['productId'], message: 'an approval names the product' });
export type WalkInDecisionData = z.infer<typeof walkInDecisionData>;

export const observationOutcomeData = z.strictObject({
  id: recordId,
  doseId: recordId,
  venueId: shortId,
  outcome: z.enum(['released', 'referred']),
  note: staffNote(1).nullable(),
  staffId: staffRef,
  at: instant,
});
export type ObservationOutcomeData = z.infer<typeof observationOutcomeData>;

export const dayCloseData = z.strictObject({
  id: recordId,
  venueId: shortId,
  venueDate: isoDate,
  staffId: staffRef,
  at: instant,
  note: staffNote(2),
  /** The day's figures at sign-off (counts only). */
  summary: z.record(text(40), z.number().int().min(0)).refine((s) => Object.keys(s).length <= 40, 'at most 40 figures'),
});
export type DayCloseData = z.infer<typeof dayCloseData>;

export const discrepancyNoteData = z.strictObject({
  id: recordId,
  venueId: shortId,
  venueDate: isoDate,
  /** "<kind>:<record, lot or conflict id>", as the reconciliation makes it. */
  key: noIndividualNumber(z.string().min(3).max(120).regex(/^[a-z-]+:[A-Za-z0-9_.:-]+$/)),
  note: staffNote(2),
  staffId: staffRef,
  at: instant,
});
export type DiscrepancyNoteData = z.infer<typeof discrepancyNoteData>;

/** A desk's active lot from an instant on (the latest by fromAt is the desk's lot now). */
export const deskLotData = z.strictObject({
  id: recordId,
  venueId: shortId,
  deskId: shortId,
  lotId: shortId,
  staffId: staffRef,
  fromAt: instant,
});
export type DeskLotData = z.infer<typeof deskLotData>;

/** Vials of a lot opened on a day: the latest by `at` (then id) is the value. */
export const lotVialsData = z.strictObject({
  id: recordId,
  venueId: shortId,
  venueDate: isoDate,
  lotId: shortId,
  vials: z.number().int().min(0).max(10_000),
  staffId: staffRef,
  at: instant,
});
export type LotVialsData = z.infer<typeof lotVialsData>;

/** A supervisor reopens a closed day, naming the close it undoes, with the reason. */
export const dayReopenData = z.strictObject({ id: recordId, venueId: shortId, venueDate: isoDate, closeId: recordId, staffId: staffRef, at: instant, reason: staffNote(2) });
export type DayReopenData = z.infer<typeof dayReopenData>;

/** The doctor (予診医) a supervisor set for a desk for the day; the latest in the central service's order is the desk's. */
export const deskDoctorData = z.strictObject({ id: recordId, venueId: shortId, deskId: shortId, venueDate: isoDate, doctor: staffNote(1, 20), staffId: staffRef, at: instant });
export type DeskDoctorData = z.infer<typeof deskDoctorData>;

export const uploadRecordSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('checkin'), data: checkinData }),
  z.strictObject({ kind: z.literal('dose'), data: doseData }),
  z.strictObject({ kind: z.literal('void'), data: voidData }),
  z.strictObject({ kind: z.literal('lot'), data: lotData }),
  z.strictObject({ kind: z.literal('audit_head'), data: auditHeadData }),
  z.strictObject({ kind: z.literal('resolution'), data: resolutionData }),
  z.strictObject({ kind: z.literal('walkin_request'), data: walkInRequestData }),
  z.strictObject({ kind: z.literal('walkin_decision'), data: walkInDecisionData }),
  z.strictObject({ kind: z.literal('observation_outcome'), data: observationOutcomeData }),
  z.strictObject({ kind: z.literal('day_close'), data: dayCloseData }),
  z.strictObject({ kind: z.literal('discrepancy_note'), data: discrepancyNoteData }),
  z.strictObject({ kind: z.literal('desk_lot'), data: deskLotData }),
  z.strictObject({ kind: z.literal('lot_vials'), data: lotVialsData }),
  z.strictObject({ kind: z.literal('day_reopen'), data: dayReopenData }),
  z.strictObject({ kind: z.literal('desk_doctor'), data: deskDoctorData }),
]);
export type UploadRecord = z.infer<typeof uploadRecordSchema>;
export type UploadKind = UploadRecord['kind'];
export const UPLOAD_KINDS = ['checkin', 'dose', 'void', 'lot', 'audit_head', 'resolution', ...DAY_KINDS] as const satisfies readonly UploadKind[];

