import { z } from 'zod';
import { noIndividualNumber } from '../../privacy/schema';
import { text } from '../../common/messages';
import { staffText } from '../../common/schemas';
import { countStaff } from '../../staff/accounts';
import { readDeviceSettings } from '../../store/settings';
import { listConflicts, resolveConflict } from '../../sync/conflicts';
import { syncMessage } from '../../sync/messages';
import { CONFLICT_KINDS } from '../../sync/protocol';
import { readEnrollment, readSyncIdentity, writeEnrollmentRequest } from '../../sync/state';
import { readEnrollmentStatus, readSyncStatus } from '../../sync/status';
import { checkServerUrl, formatFingerprint, normalizeFingerprint } from '../../sync/transport';
import { defineOperation, refuse } from '../operation';
import { ALL_ROLES, sessionOf } from './common';

const download = z.object({ active: z.boolean(), done: z.number(), total: z.number().nullable(), startedAt: z.string().nullable(), finishedAt: z.string().nullable() });
const problem = z.object({ code: z.string(), message: staffText }).nullable();

const conflictSchema = z.object({
  id: z.string(),
  kind: z.enum(CONFLICT_KINDS),
  municipality: z.string(),
  ticketNumber: z.string(),
  doseNumber: z.number().nullable(),
  venueDate: z.string().nullable(),
  nameKana: z.string().nullable(),
  nameKanji: z.string().nullable(),
  records: z.array(z.object({ id: z.string(), venueId: z.string(), venueName: z.string().nullable(), deskId: z.string(), at: z.string() })),
  detectedAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  note: z.string().nullable(),
});

/** Who the conflict is about, from the local roster, so the supervisor can find the person. */
function withName<T extends { municipality: string; ticketNumber: string }>(db: Parameters<typeof readSyncStatus>[0], conflict: T) {
  const person = db
    .prepare(`SELECT p.name_kana, p.name_kanji FROM tickets t JOIN people p ON p.id = t.person_id WHERE t.municipality = ? AND t.number = ?`)
    .get(conflict.municipality, conflict.ticketNumber) as { name_kana: string; name_kanji: string } | undefined;
  return { ...conflict, nameKana: person?.name_kana ?? null, nameKanji: person?.name_kanji ?? null };
}

export const syncOperations = {
  syncStatus: defineOperation({
    summary: 'Sync with the central service: online, last success, records pending / sent / confirmed, conflicts, roster download progress.',
    // The sync bar polls it every few seconds on every screen.
    passive: true,
    access: { roles: ALL_ROLES },
    input: z.strictObject({}),
    output: z.object({
      enrolled: z.boolean(),
      serverUrl: z.string().nullable(),
      deviceId: z.string().nullable(),
      fingerprint: z.string().nullable(),
      online: z.boolean(),
      lastSuccessAt: z.string().nullable(),
      lastError: z.object({ code: z.string(), at: z.string().nullable(), message: staffText }).nullable(),
      records: z.object({ pending: z.number(), sent: z.number(), confirmed: z.number(), rejected: z.number() }),
      conflicts: z.object({ open: z.number(), resolved: z.number() }),
      download,
      /** This desk's clock minus the central service's, at the last exchange; warning beyond 2 minutes. */
      clock: z.object({ offsetMs: z.number(), checkedAt: z.string(), warning: z.boolean() }).nullable(),
    }),
    handler(_input, context) {
      const status = readSyncStatus(context.db);
      return { ...status, fingerprint: status.fingerprint === null ? null : formatFingerprint(status.fingerprint) };
    },
  }),

  enrollmentStatus: defineOperation({
    summary: 'How enrolling this device with the central service went, and how far the first roster download is. Public: no personal data.',
    passive: true,
    access: { public: true },
    input: z.strictObject({}),
    output: z.object({
      state: z.enum(['none', 'requested', 'working', 'enrolled', 'failed']),
      serverUrl: z.string().nullable(),
      requestedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      error: problem,
      venueId: z.string().nullable(),
      deskId: z.string().nullable(),
      download,
    }),
    handler(_input, context) {
      return readEnrollmentStatus(context.db);
    },
  }),

  requestEnrollment: defineOperation({
    summary: 'Enroll this new device with the central service: its address and a one-time code from the administrator. Only before the device is set up.',
    training: 'refused',
    access: { public: true },
    input: z.strictObject({
      serverUrl: noIndividualNumber(z.string().trim().min(8).max(200)),
      code: z.string().trim().min(8).max(64),
      /** The server certificate's SHA-256 fingerprint, when the administrator gives it (otherwise the first one seen is kept). */
      fingerprint: z
        .string()
        .trim()
        .max(120)
        .refine((v) => normalizeFingerprint(v).length === 64, 'SHA-256 fingerprint')
        .optional(),
      deviceName: noIndividualNumber(z.string().trim().min(1).max(64)).optional(),
    }),
    output: z.object({ state: z.literal('requested') }),
    handler(input, context) {
      // Public, so it must be harmless once the device is in use: it is refused then.
      if (countStaff(context.db) > 0 || readDeviceSettings(context.db).venueId !== null || readSyncIdentity(context.db) !== null) {
        refuse(
          'ALREADY_SET_UP',
          text('この端末は設定済みです。別の中央サーバーに登録し直すことはできません。', 'This device is already set up; it cannot be enrolled again.'),
        );
      }
      if (readEnrollment(context.db)?.state === 'working') {
        refuse('ENROLLMENT_IN_PROGRESS', text('登録の処理中です。しばらくお待ちください。', 'Enrollment is in progress. Please wait.'));
      }
      const urlProblem = checkServerUrl(input.serverUrl);
      if (urlProblem) refuse(urlProblem, syncMessage(urlProblem));
      const serverUrl = new URL(input.serverUrl).origin;
      writeEnrollmentRequest(
        context.db,
        { serverUrl, code: input.code, fingerprint: input.fingerprint ? formatFingerprint(input.fingerprint) : null, deviceName: input.deviceName ?? null },
        context.now,
      );
      // The code is a secret until used: the audit log names only the server.
      context.audit(null, { server: serverUrl });
      context.emit({ type: 'syncEnrollment' });
      return { state: 'requested' as const };
    },
  }),

  listConflicts: defineOperation({
    summary: 'Records of the same ticket and dose (or check-ins of the same day, or decisions on one walk-in request) made twice, here and elsewhere: for the supervisor to sort out.',
    // The supervisor's screen reloads it whenever sync brings something.
    passive: true,
    access: { roles: ['supervisor'] },
    input: z.strictObject({ includeResolved: z.boolean().optional() }),
    output: z.array(conflictSchema),
    handler(input, context) {
      return listConflicts(context.db, { includeResolved: input.includeResolved ?? false }).map((c) => withName(context.db, c));
    },
  }),

  resolveConflict: defineOperation({
    summary: 'Mark a conflict as sorted out, with a note (void the wrong record separately). Sent to the central service and the other venue.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ conflictId: noIndividualNumber(z.string().min(1).max(64)), note: noIndividualNumber(z.string().trim().min(2).max(200)) }),
    output: conflictSchema,
    handler(input, context) {
      const resolved = resolveConflict(context.db, { conflictId: input.conflictId, note: input.note, staffId: sessionOf(context).staff.id }, context.now, context.records);
      context.audit(resolved.id, { kind: resolved.kind });
      context.emit({ type: 'conflict', id: resolved.id });
      return withName(context.db, resolved);
    },
  }),
};
