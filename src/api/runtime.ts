import Database from 'better-sqlite3-multiple-ciphers';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { appendAudit, sealHeadAtNewest, useAuditKey } from '../audit/log';
import { text, type StaffText } from '../common/messages';
import { systemClock, venueDate, venueIso, type Clock } from '../common/time';
import { SECOND_FACTOR_REQUIRED, WRONG_CODE } from '../staff/accounts';
import { checkPasswordAgainst } from '../staff/passwords';
import { kindOfSecondFactor, matchTotp, normaliseRecoveryCode, recoveryCodeMatches, SECOND_FACTOR_INPUT } from '../staff/second-factor';
import { AckMarkKeeper, clearAckMark, readAckMark } from '../store/ack-mark';
import { cleanBackupFolder, createBackup, findBackup, listBackups, planRestore, restoreBackup, setAsideBackup, verifyBackup, type BackupInfo } from '../store/backup';
import { applyKey, openVenueDatabase, StoreError, WAL_LIMIT_BYTES, type VenueDb } from '../store/database';
import { DiskSpace, isDiskFull, type DiskView } from '../store/disk-space';
import { settleDayState } from '../sync/apply-day';
import { Connection, type CallTarget } from './connection';
import { operations } from './contract';
import { Dispatcher } from './dispatcher';
import type { BackupService, VenueEvent } from './operation';
import { RecoveryThrottle, RECOVERY_LOCK_MINUTES } from './recovery-throttle';
import { refusalReply, type Reply } from './reply';

/**
 * Owns the database's life around the dispatcher: opening it, daily
 * backups, restoring a backup (which needs the connection closed and
 * reopened), and a recovery mode when the database cannot be opened at all.
 * The browser host and the Electron database process both run one runtime
 * and give each window a Connection (see connect()).
 */
export interface RuntimeOptions {
  readonly dataDir: string;
  readonly key: Buffer;
  /** Seals the audit chain (src/audit/chain.ts); kept in the key vault beside the database key. */
  readonly auditKey: Buffer;
  readonly clock?: Clock;
  readonly nativeBinding?: string;
  /** Told about committed changes and about restores, to pass on to the pages. */
  readonly onEvent?: (event: VenueEvent) => void;
  readonly onInternalError?: (operation: string, error: unknown) => void;
  /** Runs after the database opens (and after each restore): start sync, seed a demo. */
  readonly afterOpen?: (db: VenueDb, dispatcher: Dispatcher) => void;
  /** Runs before the database closes for a restore: stop whatever uses it. */
  readonly beforeClose?: (db: VenueDb) => void;
  /** The low-space warning threshold and the reserve kept for a full disk (store/disk-space.ts); defaults there. */
  readonly disk?: { readonly lowBytes?: number; readonly reserveBytes?: number };
}

export const DATABASE_FILE = 'venue.db';
export const BACKUP_FOLDER = 'backups';

function recoveryLocked(waitMs: number): StaffText {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return text(
    `管理者のパスワードを続けて間違えたため、復元は${RECOVERY_LOCK_MINUTES}分間できません（あと約${minutes}分）。`,
    `Too many wrong supervisor passwords: restoring is blocked for ${RECOVERY_LOCK_MINUTES} minutes (about ${minutes} more).`,
  );
}

const backupIdSchema = z.string().regex(/^venue-\d{8}-\d{6}-[0-9a-f]{6}\.db$/);
const recoveryInputs = {
  listBackups: z.strictObject({}),
  planRestore: z.strictObject({ backupId: backupIdSchema }),
  recoverFromBackup: z.strictObject({
    backupId: backupIdSchema,
    login: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(256),
    code: z.string().max(24).regex(SECOND_FACTOR_INPUT).optional(),
  }),
  deviceStatus: z.strictObject({}),
} as const;

export class VenueRuntime implements CallTarget {
  private db: VenueDb | null = null;
  private dispatcher: Dispatcher | null = null;
  private problem: StoreError | null = null;
  /** The high-water mark of what was acknowledged (store/ack-mark.ts), kept after every answered call. */
  private ackMark: AckMarkKeeper | null = null;
  private readonly clock: Clock;
  private readonly recoveryAttempts = new RecoveryThrottle();
  /** Backups checked sound this run (today's is checked once before it counts). */
  private readonly verifiedBackups = new Set<string>();
  /** Second factors used for recovery restores: the backup cannot be written, so they are kept here (no replay in this run). */
  private readonly recoveryFactorsUsed = new Map<string, { step: number | null; codes: Set<string> }>();
  readonly databasePath: string;
  readonly backupDir: string;
  readonly disk: DiskSpace;

  private constructor(private readonly options: RuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    this.databasePath = join(options.dataDir, DATABASE_FILE);
    this.backupDir = join(options.dataDir, BACKUP_FOLDER);
    this.disk = new DiskSpace(options.dataDir, options.disk);
  }

  /**
   * Opens the database; if it cannot be opened the runtime starts in recovery
   * mode instead of failing. Before that: backups a kill left half-written are
   * removed, and the disk's reserve is made if there is room.
   */
  static start(options: RuntimeOptions): VenueRuntime {
    const runtime = new VenueRuntime(options);
    cleanBackupFolder(runtime.backupDir);
    rmSync(`${runtime.databasePath}.restoring`, { force: true });
    runtime.disk.check();
    runtime.open();
    return runtime;
  }

  get mode(): 'ready' | 'recovery' {
    return this.dispatcher ? 'ready' : 'recovery';
  }

  get database(): VenueDb | null {
    return this.db;
  }

  /** Why the database could not be opened, in recovery mode. */
  get recoveryProblem(): StoreError | null {
    return this.problem;
  }

  /** One window's line into the runtime; it survives a restore (the page then signs in again). */
  connect(): Connection {
    return new Connection(this);
  }

  private open(): void {
    try {
      const db = openVenueDatabase({
        path: this.databasePath,
        key: this.options.key,
        nativeBinding: this.options.nativeBinding,
        acknowledged: readAckMark(this.databasePath),
      });
      useAuditKey(db, this.options.auditKey);
      this.db = db;
      this.problem = null;
      this.ackMark = new AckMarkKeeper(db, this.databasePath, (error) => this.options.onInternalError?.('ack-mark', error));
      this.dispatcher = new Dispatcher({
        db,
        operations,
        clock: this.clock,
        services: { backups: this.backupService(db), disk: this.disk },
        disk: this.disk,
        onEvent: (event) => this.onEvent(event),
        onInternalError: this.options.onInternalError,
      });
      this.options.afterOpen?.(db, this.dispatcher);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      this.db = null;
      this.dispatcher = null;
      this.problem = error;
    }
  }

  private backupService(db: VenueDb): BackupService {
    return {
      create: (now) => createBackup(db, { dir: this.backupDir, key: this.options.key, now }),
      list: () => listBackups(this.backupDir),
      plan: (backupId) => planRestore({ currentPath: this.databasePath, backupDir: this.backupDir, backupId, key: this.options.key }),
    };
  }

  private onEvent(event: VenueEvent): void {
    if (event.type === 'restore-requested' && event.id) {
      const backupId = event.id;
      // After the call that asked for it has answered and committed.
      setImmediate(() => this.restore(backupId, null));
      return;
    }
    this.options.onEvent?.(event);
  }

  /** Dispatches one call: to the dispatcher, or in recovery mode to the few recovery operations. */
  call(operation: string, input: unknown, token: string | null): Reply<unknown> {
    if (!this.dispatcher) return this.recoveryCall(operation, input);
    const wasFull = this.disk.full;
    const reply = this.dispatcher.call(operation, input, token);
    // On disk before the answer goes out: what staff are told is saved, a reopened database must hold.
    this.ackMark?.note();
    this.boundLog();
    if (this.disk.full !== wasFull) this.options.onEvent?.({ type: 'disk' });
    return reply;
  }

  /**
   * After a big write (a roster import, a restore) the log is merged and cut
   * back at once, so it never holds much more than the bound (the automatic
   * checkpoint keeps it there otherwise: store/database.ts).
   */
  private boundLog(): void {
    const db = this.db;
    if (!db) return;
    try {
      if ((statSync(`${this.databasePath}-wal`, { throwIfNoEntry: false })?.size ?? 0) > WAL_LIMIT_BYTES) db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      // A full disk cannot take the merge; the log keeps its frames and the next call tries again.
      if (!isDiskFull(error)) this.options.onInternalError?.('checkpoint', error);
    }
  }

  /** The disk as supervisors see it (the diskStatus operation, the on-screen warning). */
  diskView(): DiskView {
    return this.disk.view();
  }

  /**
   * Looks at the free space (the app does it every half minute): makes the
   * reserve again once there is room, which ends the full state, and writes
   * audit entries kept while the disk was full. Returns whether the state changed.
   */
  checkDisk(): boolean {
    const changed = this.disk.check();
    if (!this.disk.full) this.dispatcher?.flushKeptAudit();
    return changed;
  }

  private recoveryCall(operation: string, input: unknown): Reply<unknown> {
    const problem = this.problem?.staffMessage ?? text('データベースを開けません。', 'The database cannot be opened.');
    if (!Object.hasOwn(recoveryInputs, operation)) {
      return refusalReply('RECOVERY_MODE', text(`${problem.ja} 管理者がバックアップから復元してください。`, `${problem.en} A supervisor must restore a backup.`));
    }
    const parsed = recoveryInputs[operation as keyof typeof recoveryInputs].safeParse(input);
    if (!parsed.success) return refusalReply('VALIDATION', text('入力内容に誤りがあります。', 'The input is not valid.'));
    try {
      switch (operation) {
        case 'deviceStatus':
          return { ok: true, value: { recovery: { code: this.problem?.code ?? 'DAMAGED', message: problem } } };
        case 'listBackups':
          return { ok: true, value: listBackups(this.backupDir).map(({ path: _path, ...info }) => info) };
        case 'planRestore': {
          const { backupId } = parsed.data as z.infer<typeof recoveryInputs.planRestore>;
          const plan = planRestore({ currentPath: this.databasePath, backupDir: this.backupDir, backupId, key: this.options.key });
          const { path: _path, ...backup } = plan.backup;
          return { ok: true, value: { backup, currentReadable: plan.currentReadable, carriedOver: plan.carriedOver, summary: plan.summary } };
        }
        case 'recoverFromBackup': {
          const request = parsed.data as z.infer<typeof recoveryInputs.recoverFromBackup>;
          const now = this.clock.now();
          // Counted in memory (the database is unreadable); while blocked no password is even checked.
          const waitMs = this.recoveryAttempts.wait(request.login, now);
          if (waitMs > 0) return refusalReply('RECOVERY_LOCKED', recoveryLocked(waitMs));
          const supervisor = this.supervisorInBackup(request.backupId, request.login, request.password);
          if (!supervisor) {
            this.recoveryAttempts.failed(request.login, now);
            return refusalReply('WRONG_CREDENTIALS', text('管理者のログインIDかパスワードが違います。', 'The supervisor login or password is wrong.'));
          }
          // A supervisor with a second factor (as kept in the backup) gives the code too; wrong ones are throttled alike.
          if (supervisor.totp) {
            if (!request.code) return refusalReply('SECOND_FACTOR_REQUIRED', SECOND_FACTOR_REQUIRED);
            if (!this.recoveryFactorRight(supervisor.id, supervisor.totp, request.code, now)) {
              this.recoveryAttempts.failed(request.login, now);
              return refusalReply('WRONG_CODE', WRONG_CODE);
            }
          }
          this.recoveryAttempts.succeeded(request.login);
          this.restore(request.backupId, supervisor.id);
          return this.dispatcher
            ? { ok: true, value: { restoring: true, backupId: request.backupId } }
            : refusalReply('RESTORE_FAILED', this.problem?.staffMessage ?? text('復元できませんでした。', 'The restore failed.'));
        }
      }
    } catch (error) {
      if (error instanceof StoreError) return refusalReply(error.code, error.staffMessage);
      this.options.onInternalError?.(operation, error);
    }
    return refusalReply('INTERNAL', text('予期しないエラーが起きました。', 'Something unexpected went wrong.'));
  }

  /** A supervisor account as kept in the backup (with its second factor): the only accounts there are when the database is lost. */
  private supervisorInBackup(
    backupId: string,
    login: string,
    password: string,
  ): { id: string; totp: { secret: string; lastStep: number | null; recoveryHashes: string[] } | null } | null {
    const backup = findBackup(this.backupDir, backupId);
    if (!backup) return null;
    const db = new Database(backup.path, { readonly: true, fileMustExist: true, nativeBinding: this.options.nativeBinding });
    try {
      applyKey(db, this.options.key);
      const row = db.prepare(`SELECT * FROM staff WHERE login = ? AND role = 'supervisor' AND disabled = 0`).get(login) as
        | { id: string; password_hash: string; totp_secret?: string | null; totp_last_step?: number | null }
        | undefined;
      // The same argon2 work for any login, so timing does not tell which supervisor logins exist.
      if (!checkPasswordAgainst(row?.password_hash ?? null, password) || !row) return null;
      if (!row.totp_secret) return { id: row.id, totp: null };
      const recoveryHashes = db.prepare(`SELECT code_hash FROM staff_recovery_codes WHERE staff_id = ? AND used_at IS NULL`).pluck().all(row.id) as string[];
      return { id: row.id, totp: { secret: row.totp_secret, lastStep: row.totp_last_step ?? null, recoveryHashes } };
    } catch {
      return null;
    } finally {
      db.close();
    }
  }

  /** A code from the app (later than any used, in the backup or in this run) or an unused recovery code; spent here. */
  private recoveryFactorRight(staffId: string, totp: { secret: string; lastStep: number | null; recoveryHashes: string[] }, code: string, now: Date): boolean {
    const used = this.recoveryFactorsUsed.get(staffId) ?? { step: null, codes: new Set<string>() };
    this.recoveryFactorsUsed.set(staffId, used);
    const typed = code.replace(/\s+/g, '');
    if (kindOfSecondFactor(typed) === 'recovery') {
      const normal = normaliseRecoveryCode(typed) ?? '';
      if (used.codes.has(normal) || !totp.recoveryHashes.some((hash) => recoveryCodeMatches(hash, normal))) return false;
      used.codes.add(normal);
      return true;
    }
    const floor = Math.max(totp.lastStep ?? -1, used.step ?? -1);
    const step = matchTotp(totp.secret, typed, now.getTime(), floor < 0 ? null : floor);
    if (step === null) return false;
    used.step = step;
    return true;
  }

  /** Closes the database, restores the backup, reopens, and logs who restored what. */
  restore(backupId: string, staffId: string | null): void {
    const requestedBy = staffId ?? this.lastRestoreRequester(backupId);
    this.closeDatabase();
    const now = this.clock.now();
    let outcome = 'ok';
    let carried = 0;
    try {
      const result = restoreBackup({ currentPath: this.databasePath, backupDir: this.backupDir, backupId, key: this.options.key, now });
      carried = Object.values(result.carriedOver).reduce((a, b) => a + b, 0);
      // A supervisor chose this backup: what it holds (and what was carried over) is what this device holds now.
      clearAckMark(this.databasePath);
    } catch (error) {
      outcome = error instanceof StoreError ? error.code : 'RESTORE_FAILED';
      this.options.onInternalError?.('restore', error);
    }
    this.open();
    // Read through the getter: the compiler still believes the field is null from above.
    const db = this.database;
    if (db) {
      db.transaction(() => {
        // Walk-in status, observation outcomes and desks' lots follow from the records now here.
        settleDayState(db);
        sealHeadAtNewest(db);
        appendAudit(db, { at: venueIso(now), staffId: requestedBy, deskId: null, action: 'restoreBackup', recordId: backupId, outcome, detail: { carriedOver: carried } });
      })();
      this.ackMark?.note();
    }
    this.options.onEvent?.({ type: 'restored', id: backupId });
  }

  /** An entry the app itself writes in this database's log (leaving training mode), chained like every other. */
  logAppAction(action: string, staffId: string | null, detail: Readonly<Record<string, string | number | boolean | null>>): void {
    const db = this.db;
    if (!db) return;
    db.transaction(() => appendAudit(db, { at: venueIso(this.clock.now()), staffId, deskId: null, action, recordId: null, outcome: 'ok', detail }))();
    this.ackMark?.note();
  }

  private lastRestoreRequester(backupId: string): string | null {
    const row = this.db?.prepare(`SELECT staff_id FROM audit_log WHERE action = 'restoreBackup' AND record_id = ? ORDER BY seq DESC LIMIT 1`).get(backupId) as
      | { staff_id: string | null }
      | undefined;
    return row?.staff_id ?? null;
  }

  /**
   * Makes today's backup if there is none yet; call at start and from time to
   * time. Today's backup counts only once it has been opened and checked in
   * this run: one that fails the check is set aside and a new one is made.
   */
  backupIfDue(): BackupInfo | null {
    if (!this.db) return null;
    const now = this.clock.now();
    const today = venueDate(now);
    const latest = listBackups(this.backupDir).find((backup) => backup.createdAt !== '');
    if (latest && venueDate(new Date(latest.createdAt)) === today && this.soundBackup(latest)) return null;
    return createBackup(this.db, { dir: this.backupDir, key: this.options.key, now });
  }

  private soundBackup(backup: BackupInfo): boolean {
    if (this.verifiedBackups.has(backup.id)) return true;
    try {
      verifyBackup(backup.path, this.options.key);
      this.verifiedBackups.add(backup.id);
      return true;
    } catch {
      setAsideBackup(backup);
      return false;
    }
  }

  close(): void {
    this.closeDatabase();
  }

  private closeDatabase(): void {
    if (this.db) {
      this.options.beforeClose?.(this.db);
      this.db.close();
    }
    this.ackMark?.close();
    this.ackMark = null;
    this.db = null;
    this.dispatcher = null;
  }
}
