import { createHash } from 'node:crypto';
import { randomToken, uuidv7 } from '../common/ids';
import { text, type StaffText } from '../common/messages';
import { StaffRefusal } from '../common/refusal';
import { systemClock, venueIso, type Clock } from '../common/time';
import type { VenueDb } from '../store/database';
import { checkPasswordAgainst, hashPassword, MIN_PASSWORD_LENGTH } from './passwords';
import type { Role } from './roles';
import { clearLockout, idleMs, lockoutLeftMs, noteActive, startLockout } from './timers';
import { checkSecondFactor } from './two-factor';

/** After this many wrong passwords in a row the account waits LOCKOUT_MINUTES. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;
/** A session with no call for this long is locked until its owner signs in again. */
export const DEFAULT_IDLE_LOCK_MINUTES = 5;

export interface StaffIdentity {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly role: Role;
}

interface StaffRow {
  id: string;
  login: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled: 0 | 1;
  failed_attempts: number;
  locked_until: string | null;
  totp_secret: string | null;
}

/** A refusal about staff accounts (sign-in, passwords, the staff list). */
export class StaffError extends StaffRefusal {}

function identity(row: StaffRow): StaffIdentity {
  return { id: row.id, login: row.login, displayName: row.display_name, role: row.role };
}

export function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new StaffError(
      'WEAK_PASSWORD',
      text(`パスワードは${MIN_PASSWORD_LENGTH}文字以上にしてください。`, `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`),
    );
  }
}

export interface NewStaff {
  readonly login: string;
  readonly displayName: string;
  readonly role: Role;
  readonly password: string;
  readonly id?: string;
}

export function createStaff(db: VenueDb, input: NewStaff, now: Date): StaffIdentity {
  checkPasswordStrength(input.password);
  if (db.prepare(`SELECT 1 FROM staff WHERE login = ?`).get(input.login)) {
    throw new StaffError('LOGIN_TAKEN', text('このログインIDは既に使われています。', 'This login is already taken.'));
  }
  const id = input.id ?? uuidv7(now.getTime());
  db.prepare(
    `INSERT INTO staff (id, login, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(id, input.login, input.displayName, input.role, hashPassword(input.password), venueIso(now));
  return { id, login: input.login, displayName: input.displayName, role: input.role };
}

export function setStaffDisabled(db: VenueDb, staffId: string, disabled: boolean, now: Date): StaffIdentity {
  const row = db.prepare(`SELECT * FROM staff WHERE id = ?`).get(staffId) as StaffRow | undefined;
  if (!row) throw new StaffError('UNKNOWN_STAFF', text('その職員は登録されていません。', 'No such staff member.'));
  db.prepare(`UPDATE staff SET disabled = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?`).run(disabled ? 1 : 0, staffId);
  clearLockout(db, staffId);
  // A disabled account's sessions end at once.
  if (disabled) db.prepare(`UPDATE sessions SET ended_at = COALESCE(ended_at, ?) WHERE staff_id = ?`).run(now.toISOString(), staffId);
  return identity(row);
}

/** After the central service set a new password: the person's sessions end and a lock-out is cleared. */
export function passwordReplaced(db: VenueDb, staffId: string, now: Date): void {
  db.prepare(`UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?`).run(staffId);
  clearLockout(db, staffId);
  db.prepare(`UPDATE sessions SET ended_at = COALESCE(ended_at, ?) WHERE staff_id = ?`).run(now.toISOString(), staffId);
}

/** Every account, with whether a supervisor's second factor is set (never the secret). */
export function listStaff(db: VenueDb): (StaffIdentity & { disabled: boolean; secondFactorSet: boolean })[] {
  const rows = db.prepare(`SELECT * FROM staff ORDER BY role, login`).all() as StaffRow[];
  return rows.map((row) => ({ ...identity(row), disabled: row.disabled === 1, secondFactorSet: row.totp_secret !== null }));
}

export function countStaff(db: VenueDb): number {
  return (db.prepare(`SELECT count(*) AS n FROM staff`).get() as { n: number }).n;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The one answer to every refused sign-in: an unknown login, a wrong
 * password, a disabled account and a locked-out one look alike at the desk,
 * whatever the password (telling "locked" only for the right password would
 * turn the lock-out into an oracle). The supervisor reads the reason in the
 * audit log.
 */
export const SIGN_IN_REFUSED = text(
  'ログインIDかパスワードが違います。正しく入力しても入れないときは、アカウントが一時的にロックされているか無効になっています。管理者に連絡してください。',
  'The login or password is wrong. If they are right and you still cannot sign in, the account is locked for a while or disabled: call the supervisor.',
);

/** Why a sign-in was refused: for the audit log only, never for the reply. */
export type SignInRefusal =
  | 'UNKNOWN_LOGIN'
  | 'WRONG_PASSWORD'
  | 'ACCOUNT_DISABLED'
  | 'ACCOUNT_LOCKED'
  /** A supervisor's right password without the code from the app: asked for, not counted. */
  | 'SECOND_FACTOR_MISSING'
  | 'WRONG_CODE'
  /** A code already used (its step, or a later one, was accepted before), or a recovery code already spent. */
  | 'REPLAYED_CODE';

/**
 * Where a session stands with the second factor: not asked of this role; the
 * supervisor gave it at sign-in; or the supervisor has none yet and must set
 * one up before any privileged operation.
 */
export type SessionSecondFactor = 'not-required' | 'verified' | 'setup-required';

export const SECOND_FACTOR_REQUIRED = text(
  '管理者は確認コードも必要です。認証アプリに表示されている6桁のコード（またはリカバリーコード）を入力してください。',
  'Supervisors also need a code: enter the 6-digit code your authenticator app shows (or a recovery code).',
);

export const WRONG_CODE = text(
  '確認コードが違うか、既に使われたコードです。認証アプリに次のコードが出たら、それを入力してください。続けて間違えるとアカウントがロックされます。',
  'The code is wrong or was already used. Wait for the next code in your authenticator app and enter that one. Repeated wrong codes lock the account.',
);

export type SignInResult =
  | { ok: true; token: string; staff: StaffIdentity; secondFactor: SessionSecondFactor; recoveryCodesLeft: number | null }
  | { ok: false; code: 'WRONG_CREDENTIALS' | 'SECOND_FACTOR_REQUIRED' | 'WRONG_CODE'; message: StaffText; reason: SignInRefusal; staffId: string | null };

/** Timed on the monotonic clock (timers.ts): setting the desk's clock forward does not end a lock-out. */
function lockedOut(db: VenueDb, row: Pick<StaffRow, 'id' | 'locked_until'>, now: Date, clock: Clock): boolean {
  return lockoutLeftMs(db, row.id, clock, row.locked_until, now, LOCKOUT_MINUTES * 60_000) > 0;
}

function secondFactorOf(row: Pick<StaffRow, 'role' | 'totp_secret'>): SessionSecondFactor {
  if (row.role !== 'supervisor') return 'not-required';
  return row.totp_secret ? 'verified' : 'setup-required';
}

/**
 * Counts one failed check, wherever it was made (a wrong password at
 * sign-in, at the lock screen or confirming a restore; a wrong code from the
 * authenticator app). The fifth in a row locks the account for
 * LOCKOUT_MINUTES. True when this one locked it.
 */
function countWrongPassword(db: VenueDb, staffId: string, now: Date, clock: Clock): boolean {
  const { failed_attempts: before } = db.prepare(`SELECT failed_attempts FROM staff WHERE id = ?`).get(staffId) as { failed_attempts: number };
  const failures = before + 1;
  const lockedUntil = failures >= MAX_FAILED_SIGN_INS ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null;
  db.prepare(`UPDATE staff SET failed_attempts = ?, locked_until = ? WHERE id = ?`).run(lockedUntil ? 0 : failures, lockedUntil, staffId);
  if (lockedUntil) startLockout(db, staffId, clock, LOCKOUT_MINUTES * 60_000);
  return lockedUntil !== null;
}

/**
 * Checks the password and opens a session at a desk. Every attempt does the
 * same work (one argon2 verification, see checkPasswordAgainst) before
 * anything about the account is looked at, and every refusal up to the
 * password gets the same answer. A supervisor with a second factor then needs
 * the code from the app (or a recovery code): without one the answer asks for
 * it (nothing counted); a wrong or replayed one counts toward the same
 * lock-out as a wrong password. Failures are counted even though the caller
 * is refused, so the caller must commit this transaction whatever the answer.
 */
export function signIn(
  db: VenueDb,
  input: { login: string; password: string; deskId: string; secondFactor?: string },
  now: Date,
  clock: Clock = systemClock,
): SignInResult {
  const row = db.prepare(`SELECT * FROM staff WHERE login = ?`).get(input.login) as StaffRow | undefined;
  const passwordRight = checkPasswordAgainst(row?.password_hash ?? null, input.password);
  const refused = (reason: SignInRefusal): SignInResult => ({ ok: false, code: 'WRONG_CREDENTIALS', message: SIGN_IN_REFUSED, reason, staffId: row?.id ?? null });
  if (!row) return refused('UNKNOWN_LOGIN');
  if (row.disabled) return refused('ACCOUNT_DISABLED');
  if (lockedOut(db, row, now, clock)) return refused('ACCOUNT_LOCKED');
  if (!passwordRight) {
    countWrongPassword(db, row.id, now, clock);
    return refused('WRONG_PASSWORD');
  }
  const secondFactor = secondFactorOf(row);
  let recoveryCodesLeft: number | null = null;
  if (secondFactor === 'verified') {
    if (!input.secondFactor) return { ok: false, code: 'SECOND_FACTOR_REQUIRED', message: SECOND_FACTOR_REQUIRED, reason: 'SECOND_FACTOR_MISSING', staffId: row.id };
    const check = checkSecondFactor(db, row.id, input.secondFactor, now);
    if (!check.ok) {
      countWrongPassword(db, row.id, now, clock);
      return { ok: false, code: 'WRONG_CODE', message: WRONG_CODE, reason: check.reason, staffId: row.id };
    }
    // Said only when a recovery code was used, so the supervisor knows how many are left.
    if (check.method === 'recovery') recoveryCodesLeft = check.recoveryCodesLeft;
  }
  db.prepare(`UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?`).run(row.id);
  clearLockout(db, row.id);
  const token = randomToken();
  const at = now.toISOString();
  db.prepare(
    `INSERT INTO sessions (token_hash, staff_id, desk_id, started_at, last_active_at) VALUES (?, ?, ?, ?, ?)`,
  ).run(hashToken(token), row.id, input.deskId, at, at);
  noteActive(db, hashToken(token), clock);
  return { ok: true, token, staff: identity(row), secondFactor, recoveryCodesLeft };
}

export interface ActiveSession {
  readonly tokenHash: string;
  readonly staff: StaffIdentity;
  readonly deskId: string;
  readonly locked: boolean;
  readonly secondFactor: SessionSecondFactor;
}

export type SessionLookup =
  | { ok: true; session: ActiveSession }
  | { ok: false; code: 'NOT_SIGNED_IN' | 'SESSION_ENDED'; message: StaffText };

const NOT_SIGNED_IN = text('ログインしてください。', 'Please sign in.');

/**
 * Finds the session behind a token and applies the idle lock: a session
 * unused for longer than the idle limit becomes locked (and stays locked
 * until unlocked with the owner's password).
 */
export function lookUpSession(db: VenueDb, token: string | null | undefined, now: Date, idleLockMinutes: number, clock: Clock = systemClock): SessionLookup {
  if (!token) return { ok: false, code: 'NOT_SIGNED_IN', message: NOT_SIGNED_IN };
  const row = db
    .prepare(
      `SELECT s.token_hash, s.desk_id, s.last_active_at, s.locked, s.ended_at, st.*
       FROM sessions s JOIN staff st ON st.id = s.staff_id WHERE s.token_hash = ?`,
    )
    .get(hashToken(token)) as (StaffRow & { token_hash: string; desk_id: string; last_active_at: string; locked: 0 | 1; ended_at: string | null }) | undefined;
  if (!row) return { ok: false, code: 'NOT_SIGNED_IN', message: NOT_SIGNED_IN };
  if (row.ended_at || row.disabled) {
    return { ok: false, code: 'SESSION_ENDED', message: text('ログアウトしました。もう一度ログインしてください。', 'You were signed out. Please sign in again.') };
  }
  // Idle time on the monotonic clock: a changed wall clock neither locks early nor keeps an idle session open.
  const locked = row.locked === 1 || idleMs(db, row.token_hash, clock, row.last_active_at, now) > idleLockMinutes * 60_000;
  return { ok: true, session: { tokenHash: row.token_hash, staff: identity(row), deskId: row.desk_id, locked, secondFactor: secondFactorOf(row) } };
}

/** Marks a call on the session: it keeps an unlocked session from going idle. */
export function touchSession(db: VenueDb, session: ActiveSession, now: Date, clock: Clock = systemClock): void {
  db.prepare(`UPDATE sessions SET last_active_at = ?, locked = ? WHERE token_hash = ?`).run(now.toISOString(), session.locked ? 1 : 0, session.tokenHash);
  if (!session.locked) noteActive(db, session.tokenHash, clock);
}

export function lockSession(db: VenueDb, tokenHash: string): void {
  db.prepare(`UPDATE sessions SET locked = 1 WHERE token_hash = ?`).run(tokenHash);
}

export function endSession(db: VenueDb, tokenHash: string, now: Date): void {
  db.prepare(`UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL`).run(now.toISOString(), tokenHash);
}

/**
 * The signed-in person's own password, asked again (unlocking the screen,
 * confirming a restore), and at the lock screen a supervisor's code too
 * (`secondFactor` given: '' when none was typed). Wrong ones count toward
 * the same lock-out as at sign-in; the one that locks the account also ends
 * this session. The count starts again only when everything asked was right.
 * While the account is locked out the answer is "locked", whatever was typed.
 */
export function checkOwnPassword(
  db: VenueDb,
  session: ActiveSession,
  password: string,
  now: Date,
  clock: Clock = systemClock,
  secondFactor?: string,
): 'ok' | 'wrong' | 'locked' | 'code-required' | 'wrong-code' {
  const row = db.prepare(`SELECT id, password_hash, locked_until FROM staff WHERE id = ?`).get(session.staff.id) as Pick<StaffRow, 'id' | 'password_hash' | 'locked_until'>;
  const right = checkPasswordAgainst(row.password_hash, password);
  if (lockedOut(db, row, now, clock)) return 'locked';
  const fail = () => {
    if (countWrongPassword(db, session.staff.id, now, clock)) endSession(db, session.tokenHash, now);
  };
  if (!right) {
    fail();
    return 'wrong';
  }
  if (secondFactor !== undefined && session.secondFactor === 'verified') {
    if (secondFactor === '') return 'code-required';
    if (!checkSecondFactor(db, session.staff.id, secondFactor, now).ok) {
      fail();
      return 'wrong-code';
    }
  }
  db.prepare(`UPDATE staff SET failed_attempts = 0 WHERE id = ?`).run(session.staff.id);
  return 'ok';
}

export const ACCOUNT_LOCKED = text(
  `パスワードを続けて間違えたため、このアカウントは${LOCKOUT_MINUTES}分間使えません。別の職員がログインするか、管理者に連絡してください。`,
  `Too many wrong passwords: this account is blocked for ${LOCKOUT_MINUTES} minutes. Someone else may sign in, or call the supervisor.`,
);

/** Unlocks an idle-locked session; its owner's password has been checked (checkOwnPassword). */
export function unlockSession(db: VenueDb, session: ActiveSession, now: Date, clock: Clock = systemClock): void {
  db.prepare(`UPDATE sessions SET locked = 0, last_active_at = ? WHERE token_hash = ?`).run(now.toISOString(), session.tokenHash);
  noteActive(db, session.tokenHash, clock);
}
