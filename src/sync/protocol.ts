/**
 * The wire protocol between a venue device and the central service, as zod
 * schemas. Pure code: the device (src/sync) and the server (server/) both
 * import it, so neither side can drift from the other. Upload schemas are
 * strict (an unknown field is a 400); feed schemas strip unknown fields so an
 * older device keeps working against a newer server.
 */
import { z } from 'zod';
import type { WALK_IN_VERDICTS } from '../checkin/walkin';
import { doseNumber, holdsNul, instant, isoDate, municipalityCode, recordId, sex, shortId, ticketNumber, ticketStatus } from '../common/schemas';
import { DOSE_CHECK_CODES } from '../doses/check-codes';
import type { InjectionSite } from '../doses/record';
import { noIndividualNumber } from '../privacy/schema';
import { RECOVERY_CODE_COUNT, RECOVERY_HASH_PATTERN, TOTP_SECRET_PATTERN } from '../staff/second-factor';

export const PROTOCOL_VERSION = 1;

/** The injection sites of src/doses (a type-only import keeps the dose module out of the server). */
const INJECTION_SITES = ['left_arm', 'right_arm', 'left_thigh', 'right_thigh'] as const satisfies readonly InjectionSite[];

/** Size limits both sides agree on. The server answers 413 above the byte limits. */
export const LIMITS = {
  enrollBodyBytes: 8 * 1024,
  uploadBodyBytes: 2 * 1024 * 1024,
  uploadRecords: 500,
  defaultBodyBytes: 64 * 1024,
  pageMax: 10_000,
  longPollMaxSeconds: 60,
} as const;

// ---------------------------------------------------------------------------
// Errors: every 4xx answer is { error: { code, message, messageJa } }.

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    messageJa: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    recordId: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

// ---------------------------------------------------------------------------
// Enrollment: a one-time code becomes a device credential. The device makes
// the secret itself and sends only its SHA-256, so the server never holds
// anything that would let it (or a thief of its database) act as the device,
// and a retry after a lost answer is recognised as the same enrollment.

export const credentialHash = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256, lower-case hex');

export const enrollRequestSchema = z.strictObject({
  code: z.string().trim().min(8).max(64),
  credentialHash,
  deviceName: noIndividualNumber(z.string().trim().min(1).max(64)).optional(),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

const named = z.object({ id: z.string(), name: z.string() });

export const enrollResponseSchema = z.object({
  deviceId: z.string(),
  municipality: z.object({ code: municipalityCode, name: z.string() }),
  venue: named,
  desk: named,
  desks: z.array(named),
  servedMunicipalities: z.array(municipalityCode),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

// ---------------------------------------------------------------------------
// Down: the change feed. One entry per entity, always its latest state; an
// entity that changes moves to a new, higher seq. `deleted` entries are
// tombstones (data null).

/** The supervisor's-day records of the venue, each an immutable record with its own id (see "Up" below). */
export const DAY_KINDS = ['walkin_request', 'walkin_decision', 'observation_outcome', 'day_close', 'discrepancy_note', 'desk_lot', 'lot_vials', 'day_reopen', 'desk_doctor'] as const;
export type DayKind = (typeof DAY_KINDS)[number];

export const FEED_KINDS = ['venue', 'desk', 'product', 'staff', 'person', 'checkin', 'dose', 'void', 'lot', 'conflict', ...DAY_KINDS] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export function isFeedKind(kind: string): kind is FeedKind {
  return (FEED_KINDS as readonly string[]).includes(kind);
}

export function isDayKind(kind: string): kind is DayKind {
  return (DAY_KINDS as readonly string[]).includes(kind);
}

export const feedChangeSchema = z.object({
  seq: z.number().int().positive(),
  /**
   * One of FEED_KINDS, or a kind a newer central service added: a device
   * that does not know it keeps the change aside (parked) and reads on, and
   * applies it once an update of the app knows the kind.
   */
  kind: z.union([z.enum(FEED_KINDS), z.string().min(1).max(40).regex(/^[a-z_]+$/)]),
  key: z.string().min(1).max(200),
  deleted: z.boolean(),
  data: z.unknown(),
});
export type FeedChange = z.infer<typeof feedChangeSchema>;

export const feedQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(1000),
  /** Seconds to hold the request open when there is nothing new (long-poll). */
  wait: z.coerce.number().int().min(0).max(LIMITS.longPollMaxSeconds).default(0),
  /** 1: also count what is left after this page (progress of a long download). */
  count: z.enum(['0', '1']).default('0'),
});

export const feedResponseSchema = z.object({
  /** The cursor this page answers: a device discards a page that does not answer its own cursor. */
  after: z.number().int().min(0),
  /** The cursor to store once every change of the page is applied. */
  next: z.number().int().min(0),
  more: z.boolean(),
  /** Changes left after this page, when asked for. */
  remaining: z.number().int().min(0).nullable(),
  /**
   * The newest seq the server has handed out. Below a device's cursor, the
   * server's data was restored from an older copy: the device reads everything
   * again and sends everything it made again.
   */
  head: z.number().int().min(0).optional(),
  /**
   * The newest head of this device's audit chain the server holds (null: none
   * yet; absent from an older server). The device checks its chain still has
   * that entry, unchanged (src/sync/audit-check.ts).
   */
  auditHead: z.object({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }).nullable().optional(),
  changes: z.array(feedChangeSchema),
});
export type FeedResponse = z.infer<typeof feedResponseSchema>;

export const venueData = z.object({ id: z.string().min(1).max(64), name: z.string(), municipality: municipalityCode });
export const deskData = z.object({ id: z.string().min(1).max(64), venueId: z.string().min(1).max(64), name: z.string() });
export const productData = z.object({
  id: z.string().min(1).max(64),
  maker: z.string(),
  name: z.string(),
  vaccineType: z.string(),
  doseVolumeMl: z.number().positive(),
  minIntervalDays: z.number().int().min(0),
  minAge: z.number().int().min(0),
  maxAge: z.number().int().min(0).nullable(),
  observationMinutes: z.number().int().positive(),
  dosesPerVial: z.number().int().positive(),
  gtins: z.array(z.string().regex(/^\d{14}$/)),
  /** Products after which this one may be given (the product master's may_follow); absent or empty: any. */
  mayFollow: z.array(z.string().min(1).max(64)).max(50).optional(),
});
export type ProductData = z.infer<typeof productData>;

export const STAFF_ROLES = ['reception', 'nurse', 'supervisor'] as const;
export const staffData = z.object({
  id: z.string().min(1).max(64),
  login: z.string().min(1).max(64),
  displayName: z.string(),
  role: z.enum(STAFF_ROLES),
  /** argon2id: staff sign in offline at any desk of the municipality. */
  passwordHash: z.string().startsWith('$argon2id$'),
  disabled: z.boolean(),
  /**
   * A supervisor's second factor as set centrally (`admin staff totp`): the
   * TOTP secret and the recovery codes' hashes, so the codes work offline at
   * any desk. Null when none is set or it was reset. Absent from an older
   * central service: the device then keeps what it has.
   */
  totp: z
    .object({ secret: z.string().regex(TOTP_SECRET_PATTERN), recoveryHashes: z.array(z.string().regex(RECOVERY_HASH_PATTERN)).max(RECOVERY_CODE_COUNT) })
    .nullable()
    .optional(),
});
export type StaffData = z.infer<typeof staffData>;

/**
 * A person with everything a desk needs to decide a verdict: tickets, earlier
 * doses from the roster, bookings, and the doses recorded by any venue of the
 * municipality (so a dose given at one venue is known at every other one).
 * Tuples keep a million of them small on the wire.
 */
export const personData = z.object({
  ref: z.string().min(1).max(20),
  kana: z.string(),
  kanji: z.string(),
  birth: isoDate,
  sex,
  phone: z.string().nullable(),
  email: z.string().nullable(),
  /** [number, kind, status] */
  tickets: z.array(z.tuple([ticketNumber, z.string(), ticketStatus])),
  /** [dose, date, product, place] */
  prior: z.array(z.tuple([doseNumber, isoDate, z.string(), z.string()])),
  /** [id, ticket, venue, date, slotStart, slotEnd, dose, product, setId] */
  bookings: z.array(z.tuple([z.string(), ticketNumber, z.string(), isoDate, z.string(), z.string(), doseNumber, z.string(), z.string().nullable()])),
  /** [recordId, venueId, dose, date, givenAt, product, place] */
  doses: z.array(z.tuple([z.string(), z.string(), doseNumber, isoDate, z.string(), z.string(), z.string()])),
});
export type PersonData = z.infer<typeof personData>;

export const conflictRecord = z.object({
  id: z.string(),
  venueId: z.string(),
  venueName: z.string().nullable(),
  deskId: z.string(),
  at: z.string(),
});

export const CONFLICT_KINDS = ['dose', 'checkin', 'walkin'] as const;
/**
 * The same ticket and dose (or the same ticket checked in on the same day) recorded twice with different ids;
 * or two supervisors deciding the same walk-in request (kind walkin: the records are the decisions).
 */
export const conflictData = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(CONFLICT_KINDS),
  municipality: municipalityCode,
  ticketNumber,
  doseNumber: doseNumber.nullable(),
  venueDate: isoDate.nullable(),
  records: z.array(conflictRecord),
  detectedAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  note: z.string().nullable(),
});
export type ConflictData = z.infer<typeof conflictData>;

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

/** The verdicts a walk-in may be asked for (src/checkin/walkin.ts). */
const WALK_IN_VERDICT_CODES = ['NOT_BOOKED_TODAY', 'WRONG_VENUE'] as const satisfies readonly (typeof WALK_IN_VERDICTS)[number][];

export const walkInRequestData = z.strictObject({
  id: recordId,
  municipality: municipalityCode,
  ticketNumber,
  venueId: shortId,
  venueDate: isoDate,
  deskId: shortId,
  requestedBy: staffRef,
  requestedAt: instant,
  verdictCode: z.enum(WALK_IN_VERDICT_CODES),
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

export const uploadRequestSchema = z
  .strictObject({
    records: z.array(uploadRecordSchema).min(1).max(LIMITS.uploadRecords),
  })
  // A NUL byte would be cut off or refused by some reader of the stored text: the batch is refused whole.
  .refine((request) => !holdsNul(request), 'no text may hold a NUL character (U+0000)');
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/** stored: new; duplicate: already had (same content); conflict: stored and flagged; rejected: refused (same id, different content). */
export const UPLOAD_STATUSES = ['stored', 'duplicate', 'conflict', 'rejected'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

export const uploadResultSchema = z.object({
  id: z.string(),
  status: z.enum(UPLOAD_STATUSES),
  conflict: conflictData.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type UploadResult = z.infer<typeof uploadResultSchema>;

export const uploadResponseSchema = z.object({ results: z.array(uploadResultSchema) });
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

export const healthSchema = z.object({ ok: z.literal(true), protocol: z.number(), database: z.enum(['pglite', 'postgres']) });

/** Authorization header value for a device call. */
export function bearer(deviceId: string, secret: string): string {
  return `Bearer ${deviceId}.${secret}`;
}
