import type { z } from 'zod';
import type { Clock } from '../common/time';
import type { StaffText } from '../common/messages';
import type { ActiveSession, StaffIdentity } from '../staff/accounts';
import type { Role } from '../staff/roles';
import type { RecordSink } from '../records/sink';
import type { VenueDb } from '../store/database';
import type { BackupInfo, RestorePlan } from '../store/backup';
import type { DiskView } from '../store/disk-space';
import type { DeviceSettings } from '../store/settings';
import { StaffRefusal } from '../common/refusal';

/** Who may call an operation. Every operation declares it; there is no default. */
export type Access =
  /** No session needed (signing in, first-run setup, the device's public status). */
  | { readonly public: true }
  | {
      readonly roles: readonly Role[];
      /** Callable while the session is idle-locked (unlock, sign out, who am I). */
      readonly whileLocked?: boolean;
      /**
       * Callable by a supervisor who has no second factor yet (setting one up).
       * Every other supervisor-only operation is privileged and refused until then.
       */
      readonly withoutSecondFactor?: true;
    };

export type AuditDetail = Readonly<Record<string, string | number | boolean | null>>;

/** Something that happened, told to listeners after the transaction commits (UI refresh, sync nudges). */
export interface VenueEvent {
  readonly type: string;
  readonly id?: string;
}

export interface HandlerContext {
  readonly db: VenueDb;
  readonly now: Date;
  readonly clock: Clock;
  readonly device: DeviceSettings;
  /** Null only for public operations called without a session. */
  readonly session: ActiveSession | null;
  readonly staff: StaffIdentity | null;
  /**
   * Names the record this call made or touched, for the audit log; `as` names
   * the staff member when the call had no session yet (a sign-in).
   */
  audit(recordId: string | null, detail?: AuditDetail, as?: { readonly staffId: string }): void;
  /** Queues an event for after commit. */
  emit(event: VenueEvent): void;
  /**
   * Where the domain functions this call runs put the records they made. The
   * dispatcher writes them to the outbox in the call's transaction, after the
   * handler returns and before its audit entry: they commit with the rows or
   * not at all.
   */
  readonly records: RecordSink;
  /** What lives outside the database: backups (null where the host keeps none, e.g. in unit tests). */
  readonly services: VenueServices;
}

/** Backups need the data folder and the key, which handlers never see directly. */
export interface BackupService {
  create(now: Date): BackupInfo;
  list(): BackupInfo[];
  plan(backupId: string): RestorePlan;
}

export interface VenueServices {
  readonly backups: BackupService | null;
  /** The data folder's free space (null where there is no folder, e.g. in unit tests). */
  readonly disk?: { view(): DiskView } | null;
}

export interface Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly input: I;
  readonly output: O;
  readonly access: Access;
  /**
   * Reads the screens refresh on their own (queues, counts, status bars). They
   * do not count as someone at the desk, so they never hold off the idle lock.
   */
  readonly passive?: true;
  /**
   * False only for work that must start outside a transaction: what SQLite refuses inside one (a backup),
   * or a pragma set before the work's own transaction (the roster import). Everything else is transactional.
   */
  readonly transactional?: false;
  /**
   * Training mode (a training database, src/training): 'refused' for what must
   * never happen there (sync, VRS export, backups, restores, starting it
   * again), 'only' for what has no place on real data (the dummy tickets).
   */
  readonly training?: 'refused' | 'only';
  /** Runs inside the call's one transaction. Throw a Refusal to refuse. */
  handler(input: z.output<I>, context: HandlerContext): z.input<O>;
}

export function defineOperation<I extends z.ZodType, O extends z.ZodType>(operation: Operation<I, O>): Operation<I, O> {
  return operation;
}

/**
 * A refusal staff can read. By default the transaction rolls back; with
 * `commit` what the handler wrote so far is kept (a failed sign-in still
 * counts towards the lock-out).
 */
export class Refusal extends StaffRefusal {
  constructor(
    code: string,
    staffMessage: StaffText,
    readonly options: { readonly commit?: boolean; readonly detail?: AuditDetail } = {},
  ) {
    super(code, staffMessage);
  }
}

export function refuse(code: string, staffMessage: StaffText, options?: Refusal['options']): never {
  throw new Refusal(code, staffMessage, options);
}

/** Errors from the core modules that carry a code and words for staff: StaffRefusal and its kinds, told by class alone. */
export function asStaffFacing(error: unknown): StaffRefusal | null {
  return error instanceof StaffRefusal ? error : null;
}
