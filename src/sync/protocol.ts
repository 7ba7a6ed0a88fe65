/**
 * The wire protocol between a venue device and the central service, as zod
 * schemas. Pure code: the device (src/sync) and the server (server/) both
 * import it, so neither side can drift from the other. Upload schemas are
 * strict (an unknown field is a 400); feed schemas strip unknown fields so an
 * older device keeps working against a newer server.
 */
import { z } from 'zod';
import { refusalBodySchema, type RefusalBody } from '../common/refusal';
import { doseNumber, holdsNul, isoDate, municipalityCode, sex, ticketNumber, ticketStatus } from '../common/schemas';
import { noIndividualNumber } from '../privacy/schema';
import { RECOVERY_CODE_COUNT, RECOVERY_HASH_PATTERN, TOTP_SECRET_PATTERN } from '../staff/second-factor';
import { DAY_KINDS, uploadRecordSchema } from '../records/schemas';

// The records themselves (what the outbox sends and the feed applies) are src/records': the wire
// carries them as they are.
export * from '../records/schemas';

export const PROTOCOL_VERSION = 1;

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
// Errors: every 4xx answer is { error: { code, message: { ja, en }, issues?, recordId? } }, the one
// wire shape of a refusal (src/common/refusal.ts) that the device's own replies carry too.

export const apiErrorSchema = z.object({ error: refusalBodySchema });
export type ApiError = { readonly error: RefusalBody };

/**
 * The one reader of a central refusal on the device: the refusal in an answer's body, or null when
 * the body is not one. `code` alone when the words cannot be read (a body of another shape still
 * says what happened by its code).
 */
export function readRefusal(body: string): { readonly code: string; readonly refusal: RefusalBody | null } | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const whole = apiErrorSchema.safeParse(json);
  if (whole.success) return { code: whole.data.error.code, refusal: whole.data.error };
  const coded = z.object({ error: z.object({ code: z.string().min(1) }) }).safeParse(json);
  return coded.success ? { code: coded.data.error.code, refusal: null } : null;
}

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

export const FEED_KINDS = ['venue', 'desk', 'product', 'staff', 'person', 'checkin', 'dose', 'void', 'lot', 'conflict', ...DAY_KINDS] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export function isFeedKind(kind: string): kind is FeedKind {
  return (FEED_KINDS as readonly string[]).includes(kind);
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

/** A conflict row's key columns, named alike in the device's and the central service's tables. */
export interface ConflictKeyColumns {
  readonly id: string;
  readonly kind: ConflictData['kind'];
  readonly municipality: string;
  readonly ticket_number: string;
  readonly dose_number: number | null;
  readonly venue_date: string | null;
}

/** What a conflict is about, in the wire's names: the one mapping both sides use (each adds its records and times). */
export function conflictKey(row: ConflictKeyColumns): Pick<ConflictData, 'id' | 'kind' | 'municipality' | 'ticketNumber' | 'doseNumber' | 'venueDate'> {
  return { id: row.id, kind: row.kind, municipality: row.municipality, ticketNumber: row.ticket_number, doseNumber: row.dose_number, venueDate: row.venue_date };
}

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
  error: refusalBodySchema.optional(),
});
export type UploadResult = z.infer<typeof uploadResultSchema>;

export const uploadResponseSchema = z.object({ results: z.array(uploadResultSchema) });
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

export const healthSchema = z.object({ ok: z.literal(true), protocol: z.number(), database: z.enum(['pglite', 'postgres']) });

/** Authorization header value for a device call. */
export function bearer(deviceId: string, secret: string): string {
  return `Bearer ${deviceId}.${secret}`;
}
