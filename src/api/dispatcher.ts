import type { z } from 'zod';
import { appendAudit, type AuditEntryInput } from '../audit/log';
import { NO_INDIVIDUAL_NUMBER, text, type StaffText } from '../common/messages';
import { holdsNul } from '../common/schemas';
import { systemClock, venueIso, type Clock } from '../common/time';
import { describeIssues, refusesIndividualNumber } from '../privacy/schema';
import { queueRecords } from '../records/outbox';
import { RecordBatch } from '../records/sink';
import { lookUpSession, touchSession, type ActiveSession } from '../staff/accounts';
import type { VenueDb } from '../store/database';
import { DISK_FULL, isDiskFull, type DiskSpace } from '../store/disk-space';
import { readDeviceSettings } from '../store/settings';
import type { OperationName } from './contract';
import { PendingAudit } from './pending-audit';
import { asStaffFacing, Refusal, type AuditDetail, type HandlerContext, type Operation, type VenueEvent, type VenueServices } from './operation';
import { refusalReply, type Reply, type ReplyError } from './reply';

export interface DispatcherOptions {
  readonly db: VenueDb;
  readonly operations: Readonly<Record<string, Operation>>;
  readonly clock?: Clock;
  /** Told about committed changes (UI refresh, sync). Listener errors are contained. */
  readonly onEvent?: (event: VenueEvent) => void;
  /** Where unexpected errors are reported. Messages only: no inputs, which may hold personal data. */
  readonly onInternalError?: (operation: string, error: unknown) => void;
  readonly services?: VenueServices;
  /** The data folder's disk: when it is full, records are refused as DISK_FULL while reads and sign-in go on. */
  readonly disk?: DiskSpace | null;
}

const MESSAGES = {
  UNKNOWN_OPERATION: text('この操作はありません。', 'There is no such operation.'),
  VALIDATION: text('入力内容に誤りがあります。', 'The input is not valid.'),
  NUL: text('入力に記録できない文字（NUL）が含まれています。入力し直してください。', 'The input holds a character that cannot be recorded (NUL). Enter it again.'),
  SESSION_LOCKED: text('画面がロックされています。パスワードを入力してください。', 'The screen is locked. Enter your password.'),
  FORBIDDEN: text('この操作の権限がありません。', 'You are not allowed to do this.'),
  TRAINING_MODE: text(
    '練習モードではできません。同期・VRS出力・バックアップ・復元は本番のデータでだけ行います。本番に戻すには管理者が「練習モードを終える」を行ってください。',
    'Not in training mode: sync, VRS export, backups and restores happen on the real data only. A supervisor leaves training to go back to it.',
  ),
  NOT_IN_TRAINING: text('練習モードのときだけ使えます。', 'Only in training mode.'),
  SECOND_FACTOR_SETUP_REQUIRED: text(
    '管理者の操作には2段階認証（認証アプリの確認コード）が必要です。先に2段階認証を設定してください。',
    'Supervisor work needs two-factor sign-in (a code from an authenticator app). Set it up first.',
  ),
  INTERNAL: text(
    '予期しないエラーが起きました。記録は保存されていません。もう一度試し、続くようなら管理者に連絡してください。',
    'Something unexpected went wrong and nothing was saved. Try again; if it keeps happening, call the supervisor.',
  ),
} as const;

function failure(code: string, message: StaffText, issues?: ReplyError['issues']): Reply<never> {
  return refusalReply(code, message, issues);
}

/** Paths and zod's own words only, never the submitted values; an individual number is said so, in words for staff. */
function invalid(error: z.ZodError): Reply<never> {
  const issues = describeIssues(error, '(input)');
  return refusesIndividualNumber(error) ? failure('INDIVIDUAL_NUMBER', NO_INDIVIDUAL_NUMBER, issues) : failure('VALIDATION', MESSAGES.VALIDATION, issues);
}

/**
 * The one way into the core. Every call: find the operation, validate the
 * input, check the session and role, run the handler in one transaction with
 * its audit entry, validate the output, answer a Reply. Nothing is written
 * for an unknown operation, invalid input or a missing session.
 */
export class Dispatcher {
  private readonly db: VenueDb;
  private readonly operations: Readonly<Record<string, Operation>>;
  private readonly clock: Clock;
  private readonly lastPassiveAudit = new Map<string, number>();
  private readonly pending = new PendingAudit();

  constructor(private readonly options: DispatcherOptions) {
    this.db = options.db;
    this.operations = options.operations;
    this.clock = options.clock ?? systemClock;
  }

  names(): string[] {
    return Object.keys(this.operations);
  }

  call(name: string, input: unknown, token: string | null): Reply<unknown> {
    const operation = typeof name === 'string' && Object.hasOwn(this.operations, name) ? this.operations[name] : undefined;
    if (!operation) return failure('UNKNOWN_OPERATION', MESSAGES.UNKNOWN_OPERATION);

    // A NUL character has no place in any record (some readers cut the text there): refused whatever the field.
    if (holdsNul(input)) return failure('VALIDATION', MESSAGES.NUL, [{ path: '(input)', message: 'holds a NUL character (U+0000)' }]);
    const parsed = operation.input.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);

    const now = this.clock.now();
    const device = readDeviceSettings(this.db);
    let session: ActiveSession | null = null;
    if (!('public' in operation.access) || token) {
      const found = lookUpSession(this.db, token, now, device.idleLockMinutes, this.clock);
      if (found.ok) session = found.session;
      else if (!('public' in operation.access)) return failure(found.code, found.message);
    }
    const access = operation.access;
    if (!('public' in access) && session) {
      if (!access.roles.includes(session.staff.role)) {
        this.auditAlone({ session, now, action: name, outcome: 'FORBIDDEN' });
        return failure('FORBIDDEN', MESSAGES.FORBIDDEN);
      }
      if (session.locked && !access.whileLocked) return failure('SESSION_LOCKED', MESSAGES.SESSION_LOCKED);
      if (session.secondFactor === 'setup-required' && privileged(access.roles) && !access.withoutSecondFactor) {
        // A screen's own polling is not logged each time; anything else asked for is.
        if (!operation.passive) this.auditAlone({ session, now, action: name, outcome: 'SECOND_FACTOR_SETUP_REQUIRED' });
        return failure('SECOND_FACTOR_SETUP_REQUIRED', MESSAGES.SECOND_FACTOR_SETUP_REQUIRED);
      }
    }
    // Who may call it is settled first; then what a training database never does (or only it does).
    if (operation.training === 'refused' && device.training) return failure('TRAINING_MODE', MESSAGES.TRAINING_MODE);
    if (operation.training === 'only' && !device.training) return failure('NOT_IN_TRAINING', MESSAGES.NOT_IN_TRAINING);
    return this.run(name, operation, parsed.data, { now, device, session });
  }

  private run(name: string, operation: Operation, input: unknown, base: CallBase): Reply<unknown> {
    this.flushKeptAudit();
    const disk = this.options.disk ?? null;
    // On a full disk only what keeps the desk usable writes (it has the reserve given back for it):
    // signing in and out, locking. Everything else runs as a read, and is refused if it would write.
    const keepsWriting = KEEP_WORKING_WHEN_FULL.has(name);
    if (disk?.full && !keepsWriting && operation.transactional !== false) return this.runAsRead(name, operation, input, base);
    const outcome = this.attempt(name, operation, input, base);
    if (outcome !== OUT_OF_SPACE) return outcome;
    disk?.noteFull();
    if (keepsWriting) {
      const again = this.attempt(name, operation, input, base);
      if (again !== OUT_OF_SPACE) return again;
    } else if (operation.transactional !== false) {
      return this.runAsRead(name, operation, input, base);
    }
    this.keepAudit(this.prepare(name, base).entry('DISK_FULL'));
    return failure('DISK_FULL', DISK_FULL);
  }

  /** The handler's context, the events it queued, and its audit entry. */
  private prepare(name: string, base: CallBase) {
    const events: VenueEvent[] = [];
    const records = new RecordBatch();
    let recordId: string | null = null;
    let actor: string | null = null;
    let detail: AuditDetail | null = null;
    const context: HandlerContext = {
      db: this.db,
      clock: this.clock,
      now: base.now,
      device: base.device,
      session: base.session,
      staff: base.session?.staff ?? null,
      audit: (id, more, as) => {
        recordId = id;
        detail = more ?? null;
        actor = as?.staffId ?? null;
      },
      emit: (event) => events.push(event),
      records,
      services: this.options.services ?? { backups: null },
    };
    const entry = (outcome: string): AuditEntryInput => ({
      at: venueIso(base.now),
      staffId: base.session?.staff.id ?? actor,
      deskId: base.session?.deskId ?? base.device.deskId,
      action: name,
      recordId,
      outcome,
      detail,
    });
    // The records the handler made, into the outbox: called inside the call's transaction.
    const queue = () => queueRecords(this.db, records.take(), base.now);
    return { context, events, entry, queue, recordId: () => recordId };
  }

  /** One try at the call; OUT_OF_SPACE when the disk could not take it (nothing was written). */
  private attempt(name: string, operation: Operation, input: unknown, base: CallBase): Reply<unknown> | typeof OUT_OF_SPACE {
    const { context, events, entry, queue, recordId } = this.prepare(name, base);
    let committedRefusal: { code: string; staffMessage: StaffText } | null = null;
    let early: { result: unknown } | null = null;
    try {
      // A few operations cannot run inside a transaction (VACUUM INTO for backups, the roster import
      // with its own): they run first and commit their own work; only their session touch and audit
      // entry are written in the dispatcher's transaction.
      if (operation.transactional === false) early = { result: operation.handler(input, context) };
      const value = this.db.transaction(() => {
        if (base.session && !base.session.locked && !operation.passive) touchSession(this.db, base.session, base.now, this.clock);
        let result: unknown;
        try {
          result = early ? early.result : operation.handler(input, context);
        } catch (error) {
          if (error instanceof Refusal && error.options.commit) {
            committedRefusal = error;
            // What the handler wrote is kept, so the records it made so far go with it.
            queue();
            appendAudit(this.db, entry(error.code));
            return undefined;
          }
          throw error;
        }
        const checked = operation.output.safeParse(result);
        if (!checked.success) throw new OutputMismatch(name, checked.error);
        queue();
        if (!this.quietRepeat(name, operation, base.session)) appendAudit(this.db, entry('ok'));
        return checked.data;
      })();
      if (committedRefusal) {
        const { code, staffMessage } = committedRefusal;
        return failure(code, staffMessage);
      }
      this.publish(events);
      return { ok: true, value };
    } catch (error) {
      if (early && !(error instanceof OutputMismatch)) {
        // The work is committed: say so. Only its log entry is missing; it waits and is written
        // before the next entry, so the chain stays whole.
        if (!isDiskFull(error)) this.options.onInternalError?.(`${name} (audit entry)`, error);
        this.keepAudit(entry('ok'), false);
        this.publish(events);
        const checked = operation.output.safeParse(early.result);
        return checked.success ? { ok: true, value: checked.data } : failure('INTERNAL', MESSAGES.INTERNAL);
      }
      if (isDiskFull(error)) return OUT_OF_SPACE;
      const refusal = asStaffFacing(error);
      if (refusal) {
        // The action rolled back; the attempt itself is still logged.
        this.auditAlone({ session: base.session, now: base.now, action: name, outcome: refusal.code, recordId: recordId(), deskId: base.device.deskId });
        return failure(refusal.code, refusal.staffMessage);
      }
      this.options.onInternalError?.(name, error);
      return failure('INTERNAL', MESSAGES.INTERNAL);
    }
  }

  /**
   * The call on a full disk: the handler runs in a transaction that must not
   * write (no session touch either). A read answers as usual and its audit
   * entry is written when it fits, else kept until it does; anything that
   * would write is refused as DISK_FULL, nothing saved.
   */
  private runAsRead(name: string, operation: Operation, input: unknown, base: CallBase): Reply<unknown> {
    const { context, events, entry, queue } = this.prepare(name, base);
    const changes = () => (this.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    try {
      const before = changes();
      const value = this.db.transaction(() => {
        const result = operation.handler(input, context);
        queue();
        if (changes() !== before) throw new WouldWrite();
        const checked = operation.output.safeParse(result);
        if (!checked.success) throw new OutputMismatch(name, checked.error);
        return checked.data;
      })();
      if (!this.quietRepeat(name, operation, base.session)) this.keepAudit(entry('ok'));
      this.publish(events);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof WouldWrite || isDiskFull(error)) {
        this.keepAudit(entry('DISK_FULL'));
        return failure('DISK_FULL', DISK_FULL);
      }
      const refusal = asStaffFacing(error);
      if (refusal) {
        this.keepAudit(entry(refusal.code));
        return failure(refusal.code, refusal.staffMessage);
      }
      this.options.onInternalError?.(name, error);
      return failure('INTERNAL', MESSAGES.INTERNAL);
    }
  }

  /** Writes an entry in a transaction of its own, or keeps it for later when that fails (a full disk). */
  private keepAudit(entry: AuditEntryInput, tryNow = true): void {
    if (tryNow && this.pending.size === 0) {
      try {
        this.db.transaction(() => appendAudit(this.db, entry))();
        return;
      } catch (error) {
        if (!isDiskFull(error)) this.options.onInternalError?.(entry.action, error);
      }
    }
    this.pending.add(entry);
  }

  /** Entries kept for later go first, so the log keeps the order things happened in. */
  flushKeptAudit(): void {
    if (this.pending.size === 0) return;
    try {
      this.pending.flush(this.db);
    } catch (error) {
      if (!isDiskFull(error)) this.options.onInternalError?.('audit (kept entries)', error);
    }
  }

  /** Audit entries waiting for the disk (or the database) to take them. */
  get pendingAudit(): number {
    return this.pending.size;
  }

  /**
   * Screens poll passive reads every few seconds; logging each would bury the
   * log. A passive read is logged once per session and operation every five
   * minutes: who looked at what, and when, stays in the log.
   */
  private quietRepeat(name: string, operation: Operation, session: ActiveSession | null): boolean {
    if (!operation.passive || !session) return false;
    const key = `${session.tokenHash}|${name}`;
    const now = this.clock.now().getTime();
    const last = this.lastPassiveAudit.get(key);
    if (last !== undefined && now - last < PASSIVE_AUDIT_INTERVAL_MS) return true;
    this.lastPassiveAudit.set(key, now);
    return false;
  }

  private auditAlone(input: { session: ActiveSession | null; now: Date; action: string; outcome: string; recordId?: string | null; deskId?: string | null }): void {
    this.keepAudit({
      at: venueIso(input.now),
      staffId: input.session?.staff.id ?? null,
      deskId: input.session?.deskId ?? input.deskId ?? null,
      action: input.action,
      recordId: input.recordId ?? null,
      outcome: input.outcome,
    });
  }

  private publish(events: readonly VenueEvent[]): void {
    for (const event of events) {
      try {
        this.options.onEvent?.(event);
      } catch (error) {
        this.options.onInternalError?.(`event:${event.type}`, error);
      }
    }
  }
}

const PASSIVE_AUDIT_INTERVAL_MS = 5 * 60_000;

/** A call on a full disk tried to write (see runAsRead). */
class WouldWrite extends Error {}

/** What attempt() answers when the disk could not take the call. */
const OUT_OF_SPACE = Symbol('out of space');

/**
 * What keeps a desk usable on a full disk, writing into the space the reserve
 * gave back (store/disk-space.ts): signing in and out, and the idle lock.
 */
const KEEP_WORKING_WHEN_FULL: ReadonlySet<string> = new Set(['signIn', 'signOut', 'lockSession', 'unlockSession'] satisfies OperationName[]);

interface CallBase {
  readonly now: Date;
  readonly device: HandlerContext['device'];
  readonly session: ActiveSession | null;
}

/** Supervisor-only work (closing the day, voiding, staff, backups, lots…): what the second factor guards. */
function privileged(roles: readonly string[]): boolean {
  return roles.length > 0 && roles.every((role) => role === 'supervisor');
}

class OutputMismatch extends Error {
  constructor(operation: string, cause: z.ZodError) {
    super(`output of ${operation} does not match its schema: ${cause.issues.map((i) => i.path.join('.')).join(', ')}`);
    this.name = 'OutputMismatch';
  }
}
