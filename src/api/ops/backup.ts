import { z } from 'zod';
import { noIndividualNumber } from '../../privacy/schema';
import { text } from '../../common/messages';
import { staffText } from '../../common/schemas';
import type { BackupService, HandlerContext } from '../operation';
import { defineOperation, refuse } from '../operation';
import { requireOwnPassword, secondFactorCode } from './common';

const backupSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  sizeBytes: z.number(),
  schemaVersion: z.number(),
  counts: z.record(z.string(), z.number()),
  latestRecordAt: z.string().nullable(),
});

const planSchema = z.object({
  backup: backupSchema,
  currentReadable: z.boolean(),
  carriedOver: z.record(z.string(), z.number()),
  summary: staffText,
});

const backupId = z.string().regex(/^venue-\d{8}-\d{6}-[0-9a-f]{6}\.db$/, 'a backup name');

function backupsOf(context: HandlerContext): BackupService {
  const backups = context.services.backups;
  if (!backups) refuse('NO_BACKUPS', text('この環境ではバックアップを扱えません。', 'Backups are not available here.'));
  return backups;
}

const describe = ({ path: _path, ...info }: { path: string } & z.infer<typeof backupSchema>) => info;

export const backupOperations = {
  backupNow: defineOperation({
    summary: 'Write an encrypted backup of the venue database now (verified after writing; ten generations kept).',
    training: 'refused',
    access: { roles: ['supervisor'] },
    // VACUUM INTO cannot run inside a transaction; the backup reads its own consistent snapshot.
    transactional: false,
    input: z.strictObject({}),
    output: backupSchema,
    handler(_input, context) {
      const backup = backupsOf(context).create(context.now);
      context.audit(backup.id);
      return describe(backup);
    },
  }),

  listBackups: defineOperation({
    summary: 'The kept backups, newest first, with what each holds.',
    passive: true,
    access: { roles: ['supervisor'] },
    input: z.strictObject({}),
    output: z.array(backupSchema),
    handler(_input, context) {
      return backupsOf(context).list().map(describe);
    },
  }),

  planRestore: defineOperation({
    summary: 'What restoring a backup would change, said before anything changes.',
    training: 'refused',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ backupId }),
    output: planSchema,
    handler(input, context) {
      const plan = backupsOf(context).plan(input.backupId);
      return { backup: describe(plan.backup), currentReadable: plan.currentReadable, carriedOver: { ...plan.carriedOver }, summary: plan.summary };
    },
  }),

  restoreBackup: defineOperation({
    summary: 'Restore a backup after the supervisor confirms with their password. Records made since are carried over; every screen then reloads.',
    training: 'refused',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ backupId, password: z.string().min(1).max(256) }),
    output: z.object({ restoring: z.literal(true), backupId: z.string() }),
    handler(input, context) {
      // Wrong passwords here count toward the same lock-out as at sign-in.
      requireOwnPassword(context, input.password);
      backupsOf(context).plan(input.backupId);
      context.audit(input.backupId);
      // The restore itself needs the database closed: the runtime does it right after this call commits.
      context.emit({ type: 'restore-requested', id: input.backupId });
      return { restoring: true as const, backupId: input.backupId };
    },
  }),

  recoverFromBackup: defineOperation({
    summary:
      'When the database cannot be opened: restore a backup, authorised by a supervisor’s login and password (and second factor) as kept in that backup.',
    access: { public: true },
    input: z.strictObject({ backupId, login: noIndividualNumber(z.string().trim().min(1).max(64)), password: z.string().min(1).max(256), code: secondFactorCode.optional() }),
    output: z.object({ restoring: z.literal(true), backupId: z.string() }),
    handler() {
      // Only the recovery mode of the runtime answers this; an open database has nothing to recover.
      refuse('NOT_IN_RECOVERY', text('データベースは正常です。復元は管理者画面の「バックアップ」から行ってください。', 'The database is fine. Restore from the supervisor’s Backups screen instead.'));
    },
  }),
};
