import { z } from 'zod';
import {
  apiErrorSchema,
  checkinData,
  conflictData,
  dayCloseData,
  deskData,
  deskLotData,
  discrepancyNoteData,
  doseData,
  enrollRequestSchema,
  enrollResponseSchema,
  feedResponseSchema,
  healthSchema,
  LIMITS,
  lotData,
  lotVialsData,
  observationOutcomeData,
  personData,
  productData,
  PROTOCOL_VERSION,
  staffData,
  uploadRequestSchema,
  uploadResponseSchema,
  venueData,
  voidData,
  walkInDecisionData,
  walkInRequestData,
} from '../src/sync/protocol';
import { compareResponseSchema, listResponseSchema, RECONCILE_LIMITS, reconcileRequestSchema } from '../src/sync/reconcile-protocol';

/**
 * The OpenAPI 3.1 document served at /openapi.json, generated from the same
 * zod schemas the server validates with and the device parses with.
 */
function schema(type: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(type, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  return rest;
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problem = (description: string) => ({ description, content: json('Error') });

export function openApiDocument(): Record<string, unknown> {
  const deviceAuth = [{ device: [] }];
  const refusals = {
    '400': problem('Malformed JSON, wrong fields or types (INVALID_REQUEST, MALFORMED_JSON, EMPTY_BODY).'),
    '401': problem('No credential, or not a device enrolled here (MISSING_CREDENTIAL, UNKNOWN_DEVICE).'),
    '403': problem('The device is revoked (DEVICE_REVOKED).'),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Venue reception — central service',
      version: String(PROTOCOL_VERSION),
      description:
        'Rosters down, records up. Devices enroll with a one-time code, then call with `Authorization: Bearer <deviceId>.<secret>`. ' +
        'The feed is per municipality (plus the device venue\'s own records), one entry per entity at its latest state, in seq order; ' +
        'uploads are idempotent by record id and answered per record. Errors are `{ error: { code, message: { ja, en }, issues?, recordId? } }`, the shape of a device’s own refusals too.',
    },
    components: {
      securitySchemes: { device: { type: 'http', scheme: 'bearer', description: '<deviceId>.<secret> as made at enrollment' } },
      schemas: {
        Error: schema(apiErrorSchema),
        Health: schema(healthSchema),
        EnrollRequest: schema(enrollRequestSchema),
        EnrollResponse: schema(enrollResponseSchema),
        FeedResponse: schema(feedResponseSchema),
        UploadRequest: schema(uploadRequestSchema),
        UploadResponse: schema(uploadResponseSchema),
        FeedVenue: schema(venueData),
        FeedDesk: schema(deskData),
        FeedProduct: schema(productData),
        FeedStaff: schema(staffData),
        FeedPerson: schema(personData),
        FeedConflict: schema(conflictData),
        Checkin: schema(checkinData),
        Dose: schema(doseData),
        Void: schema(voidData),
        Lot: schema(lotData),
        WalkInRequest: schema(walkInRequestData),
        WalkInDecision: schema(walkInDecisionData),
        ObservationOutcome: schema(observationOutcomeData),
        DayClose: schema(dayCloseData),
        DiscrepancyNote: schema(discrepancyNoteData),
        DeskLot: schema(deskLotData),
        LotVials: schema(lotVialsData),
        ReconcileRequest: schema(reconcileRequestSchema),
        ReconcileCompareResponse: schema(compareResponseSchema),
        ReconcileListResponse: schema(listResponseSchema),
      },
    },
    paths: {
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'Up', content: json('Health') } } } },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/v1/enroll': {
        post: {
          summary: 'Turn a one-time enrollment code into a device',
          description: `The device sends the SHA-256 of a secret it made; only that hash is stored. The same code with the same hash again returns the same device (a retry); with another hash it is refused. Body at most ${LIMITS.enrollBodyBytes} bytes.`,
          requestBody: { required: true, content: json('EnrollRequest') },
          responses: {
            '200': { description: 'Enrolled', content: json('EnrollResponse') },
            '400': problem('Malformed request'),
            '401': problem('Unknown code (ENROLLMENT_CODE_UNKNOWN)'),
            '409': problem('Code already used (ENROLLMENT_CODE_USED)'),
            '410': problem('Code expired (ENROLLMENT_CODE_EXPIRED)'),
            '413': problem('Body too large'),
          },
        },
      },
      '/v1/feed': {
        get: {
          summary: 'A page of the change feed after a cursor; long-polls with wait',
          security: deviceAuth,
          parameters: [
            { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 }, description: 'The cursor: the last seq applied.' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: LIMITS.pageMax, default: 1000 } },
            { name: 'wait', in: 'query', schema: { type: 'integer', minimum: 0, maximum: LIMITS.longPollMaxSeconds, default: 0 }, description: 'Seconds to wait for a change when there is none.' },
            { name: 'count', in: 'query', schema: { type: 'string', enum: ['0', '1'], default: '0' }, description: '1: also count what remains after the page.' },
          ],
          responses: { '200': { description: 'A page; data of each change per kind (Feed* schemas, Checkin, Dose, Void, Lot, and the supervisor’s-day records: WalkInRequest, WalkInDecision, ObservationOutcome, DayClose, DiscrepancyNote, DeskLot, LotVials)', content: json('FeedResponse') }, ...refusals },
        },
      },
      '/v1/records': {
        post: {
          summary: 'Upload records made at the venue (check-ins, doses, voids, lots, audit head, conflict resolutions, walk-in requests and decisions, observation outcomes, day closes, explanations, desk lots, vials)',
          description: `At most ${LIMITS.uploadRecords} records and ${LIMITS.uploadBodyBytes} bytes. Answered per record: stored, duplicate (already had), conflict (stored and flagged: the same dose or check-in twice, or a walk-in request decided twice), rejected (id reused for other content). A record of another venue refuses the whole batch (403 RECORD_FOR_OTHER_VENUE), as does a desk the venue does not have (400 UNKNOWN_DESK) or a walk-in decision for another ticket or day than its request (400 REFERENCE_MISMATCH); nothing is written. Free text carrying an individual number is refused (400 INVALID_REQUEST).`,
          security: deviceAuth,
          requestBody: { required: true, content: json('UploadRequest') },
          responses: {
            '200': { description: 'Per-record answers', content: json('UploadResponse') },
            ...refusals,
            '400': problem('Malformed request, wrong fields or types, an unknown desk or a mismatched reference (INVALID_REQUEST, MALFORMED_JSON, EMPTY_BODY, UNKNOWN_DESK, REFERENCE_MISMATCH)'),
            '403': problem('Revoked device, or a record of another venue (DEVICE_REVOKED, RECORD_FOR_OTHER_VENUE)'),
            '413': problem('Body too large (BODY_TOO_LARGE)'),
            '415': problem('Not application/json'),
          },
        },
      },
      '/v1/reconcile': {
        post: {
          summary: 'Compare what the device holds as confirmed with what the service holds from it; list the ids of buckets that differ',
          description: `Records are grouped by the first 6 characters of their id; a bucket is summed up as {b, n: count, x: 64-bit XOR of the first 16 hex digits of each id's SHA-256, lower-case hex}. {compare, everything} answers the service's sums for those buckets (all of this device's with everything; at most ${RECONCILE_LIMITS.buckets}); {list} answers the ids held in up to ${RECONCILE_LIMITS.listed} buckets. The device sends again, by the usual upload, what the service lacks.`,
          security: deviceAuth,
          requestBody: { required: true, content: json('ReconcileRequest') },
          responses: {
            '200': { description: 'Sums (ReconcileCompareResponse) or ids (ReconcileListResponse)', content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/ReconcileCompareResponse' }, { $ref: '#/components/schemas/ReconcileListResponse' }] } } } },
            ...refusals,
            '413': problem('Body too large (BODY_TOO_LARGE)'),
          },
        },
      },
    },
  };
}
