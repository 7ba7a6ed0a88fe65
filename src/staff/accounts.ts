import { createHash } from 'node:crypto';
import { randomToken, uuidv7 } from '../common/ids';
import { text, type StaffText } from '../common/messages';
import { systemClock, venueIso, type Clock } from '../common/time';
import type { VenueDb } from '../store/database';
import { burnPasswordCheck, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords';
import type { Role } from './roles';
import { clearLockout, idleMs, lockoutLeftMs, noteActive, startLockout } from './timers';

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
}

export class StaffError extends Error {
  constructor(
    readonly code: string,
    readonly staffMessage: StaffText,
  ) {
    super(staffMessage.en);
    this.name = 'StaffError';
  }
}

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

export function listStaff(db: VenueDb): (StaffIdentity & { disabled: boolean })[] {
  const rows = db.prepare(`SELECT * FROM staff ORDER BY role, login`).all() as StaffRow[];
  return rows.map((row) => ({ ...identity(row), disabled: row.disabled === 1 }));
}

export function countStaff(db: VenueDb): number {
  return (db.prepare(`SELECT count(*) AS n FROM staff`).get() as { n: number }).n;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const WRONG_SIGN_IN = text(
  'ログインIDかパスワードが違います。',
  'The login or password is wrong.',
);

export type SignInResult =
  | { ok: true; token: string; staff: StaffIdentity }
  | { ok: false; code: 'WRONG_CREDENTIALS' | 'ACCOUNT_LOCKED' | 'ACCOUNT_DISABLED'; message: StaffText };

/**
 * Checks the password and opens a session at a desk. Failures are counted
 * even though the caller is refused, so the caller must commit this
 * transaction whatever the answer.
 */
export function signIn(db: VenueDb, input: { login: string; password: string; deskId: string }, now: Date, clock: Clock = systemClock): SignInResult {
  const row = db.prepare(`SELECT * FROM staff WHERE login = ?`).get(input.login) as StaffRow | undefined;
  if (!row) {
    burnPasswordCheck(input.password);
    return { ok: false, code: 'WRONG_CREDENTIALS', message: WRONG_SIGN_IN };
  }
  if (row.disabled) {
    burnPasswordCheck(input.password);
    return {
      ok: false,
      code: 'ACCOUNT_DISABLED',
      message: text('このアカウントは無効です。管理者に連絡してください。', 'This account is disabled. Call the supervisor.'),
    };
  }
  // Timed on the monotonic clock: setting the desk's clock forward does not end it.
  if (lockoutLeftMs(db, row.id, clock, row.locked_until, now, LOCKOUT_MINUTES * 60_000) > 0) {
    burnPasswordCheck(input.password);
    return {
      ok: false,
      code: 'ACCOUNT_LOCKED',
      message: text(
        `パスワードを続けて間違えたため、しばらくログインできません（${LOCKOUT_MINUTES}分）。管理者に連絡してください。`,
        `Too many wrong passwords: sign-in is blocked for ${LOCKOUT_MINUTES} minutes. Call the supervisor.`,
      ),
    };
  }
  if (!verifyPassword(row.password_hash, input.password)) {
    const failures = row.failed_attempts + 1;
    const lockedUntil = failures >= MAX_FAILED_SIGN_INS ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null;
    db.prepare(`UPDATE staff SET failed_attempts = ?, locked_until = ? WHERE id = ?`).run(lockedUntil ? 0 : failures, lockedUntil, row.id);
    if (lockedUntil) startLockout(db, row.id, clock, LOCKOUT_MINUTES * 60_000);
    return { ok: false, code: 'WRONG_CREDENTIALS', message: WRONG_SIGN_IN };
  }
  db.prepare(`UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?`).run(row.id);
  clearLockout(db, row.id);
  const token = randomToken();
  const at = now.toISOString();
  db.prepare(
    `INSERT INTO sessions (token_hash, staff_id, desk_id, started_at, last_active_at) VALUES (?, ?, ?, ?, ?)`,
  ).run(hashToken(token), row.id, input.deskId, at, at);
  noteActive(db, hashToken(token), clock);
  return { ok: true, token, staff: identity(row) };
}

export interface ActiveSession {
  readonly tokenHash: string;
  readonly staff: StaffIdentity;
  readonly deskId: string;
  readonly locked: boolean;
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
  return { ok: true, session: { tokenHash: row.token_hash, staff: identity(row), deskId: row.desk_id, locked } };
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

/** Unlocks an idle-locked session with its owner's password. */
export function unlockSession(db: VenueDb, session: ActiveSession, password: string, now: Date, clock: Clock = systemClock): boolean {
  const row = db.prepare(`SELECT password_hash, failed_attempts FROM staff WHERE id = ?`).get(session.staff.id) as { password_hash: string; failed_attempts: number };
  if (!verifyPassword(row.password_hash, password)) {
    // Guessing at a locked screen counts like guessing at sign-in; too many ends the session.
    const failures = row.failed_attempts + 1;
    db.prepare(`UPDATE staff SET failed_attempts = ? WHERE id = ?`).run(failures >= MAX_FAILED_SIGN_INS ? 0 : failures, session.staff.id);
    if (failures >= MAX_FAILED_SIGN_INS) endSession(db, session.tokenHash, now);
    return false;
  }
  db.prepare(`UPDATE staff SET failed_attempts = 0 WHERE id = ?`).run(session.staff.id);
  db.prepare(`UPDATE sessions SET locked = 0, last_active_at = ? WHERE token_hash = ?`).run(now.toISOString(), session.tokenHash);
  noteActive(db, session.tokenHash, clock);
  return true;
}
