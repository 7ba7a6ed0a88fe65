/**
 * A supervisor's second factor as this device keeps it (device migration
 * 013): the TOTP secret, the last step accepted, a secret being set up, and
 * the recovery codes (hashed, each usable once). Sign-in and unlock ask for
 * it (accounts.ts); the central service sets or resets it through the feed
 * (sync/apply.ts); a stand-alone device sets it up itself.
 *
 * Nothing here returns or logs the secret except beginLocalSetup, whose
 * caller shows it once as the otpauth URI.
 */
import type { VenueDb } from '../store/database';
import {
  hashRecoveryCode,
  kindOfSecondFactor,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  recoveryCodeMatches,
} from './second-factor';

export interface SecondFactorState {
  /** A TOTP secret is set: sign-in and unlock ask for a code. */
  readonly enrolled: boolean;
  readonly recoveryCodesLeft: number;
}

/** What the central service sends with a staff member (and what a stand-alone setup makes). */
export interface SecondFactorData {
  readonly secret: string;
  readonly recoveryHashes: readonly string[];
}

export type SecondFactorCheck =
  | { readonly ok: true; readonly method: 'totp' | 'recovery'; readonly recoveryCodesLeft: number }
  /** For the audit log only: the answer at the desk is the same for both. */
  | { readonly ok: false; readonly reason: 'WRONG_CODE' | 'REPLAYED_CODE' };

interface TotpRow {
  totp_secret: string | null;
  totp_last_step: number | null;
  totp_pending: string | null;
}

function totpRow(db: VenueDb, staffId: string): TotpRow | undefined {
  return db.prepare(`SELECT totp_secret, totp_last_step, totp_pending FROM staff WHERE id = ?`).get(staffId) as TotpRow | undefined;
}

function codesLeft(db: VenueDb, staffId: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM staff_recovery_codes WHERE staff_id = ? AND used_at IS NULL`).get(staffId) as { n: number }).n;
}

export function secondFactorState(db: VenueDb, staffId: string): SecondFactorState {
  const row = totpRow(db, staffId);
  return { enrolled: Boolean(row?.totp_secret), recoveryCodesLeft: codesLeft(db, staffId) };
}

/**
 * Checks a code typed at sign-in or unlock: a 6-digit code from the app
 * (this step or one either side, later than the last one accepted), or an
 * unused recovery code. An accepted code is spent in the same transaction.
 * Counting the failure toward the lock-out is the caller's (accounts.ts).
 */
export function checkSecondFactor(db: VenueDb, staffId: string, input: string, now: Date): SecondFactorCheck {
  const row = totpRow(db, staffId);
  if (!row?.totp_secret) return { ok: false, reason: 'WRONG_CODE' };
  const typed = input.replace(/\s+/g, '');
  switch (kindOfSecondFactor(typed)) {
    case 'totp': {
      const step = matchTotp(row.totp_secret, typed, now.getTime(), row.totp_last_step);
      if (step === null) {
        // Right code, but its step (or a later one) was already used: a replay.
        const replay = matchTotp(row.totp_secret, typed, now.getTime(), null) !== null;
        return { ok: false, reason: replay ? 'REPLAYED_CODE' : 'WRONG_CODE' };
      }
      db.prepare(`UPDATE staff SET totp_last_step = ? WHERE id = ?`).run(step, staffId);
      return { ok: true, method: 'totp', recoveryCodesLeft: codesLeft(db, staffId) };
    }
    case 'recovery': {
      const code = normaliseRecoveryCode(typed) ?? '';
      const rows = db.prepare(`SELECT code_hash, used_at FROM staff_recovery_codes WHERE staff_id = ?`).all(staffId) as { code_hash: string; used_at: string | null }[];
      // Every hash is checked, so the time taken does not tell which one matched.
      const matched = rows.filter((r) => recoveryCodeMatches(r.code_hash, code));
      const unused = matched.find((r) => r.used_at === null);
      if (!unused) return { ok: false, reason: matched.length > 0 ? 'REPLAYED_CODE' : 'WRONG_CODE' };
      db.prepare(`UPDATE staff_recovery_codes SET used_at = ? WHERE staff_id = ? AND code_hash = ?`).run(now.toISOString(), staffId, unused.code_hash);
      return { ok: true, method: 'recovery', recoveryCodesLeft: codesLeft(db, staffId) };
    }
    case null:
      return { ok: false, reason: 'WRONG_CODE' };
  }
}

function storeRecoveryHashes(db: VenueDb, staffId: string, hashes: readonly string[]): void {
  db.prepare(`DELETE FROM staff_recovery_codes WHERE staff_id = ?`).run(staffId);
  const insert = db.prepare(`INSERT OR IGNORE INTO staff_recovery_codes (staff_id, code_hash) VALUES (?, ?)`);
  for (const hash of hashes) insert.run(staffId, hash);
}

function endSessionsOf(db: VenueDb, staffId: string, now: Date, except: string | null): void {
  db.prepare(`UPDATE sessions SET ended_at = COALESCE(ended_at, ?) WHERE staff_id = ? AND token_hash IS NOT ?`).run(now.toISOString(), staffId, except);
}

function sameData(db: VenueDb, staffId: string, row: TotpRow, next: SecondFactorData | null): boolean {
  if (next === null) return row.totp_secret === null;
  if (row.totp_secret !== next.secret) return false;
  const held = (db.prepare(`SELECT code_hash FROM staff_recovery_codes WHERE staff_id = ? ORDER BY code_hash`).pluck().all(staffId) as string[]).join(',');
  return held === [...next.recoveryHashes].sort().join(',');
}

/**
 * Sets (or, with null, removes) the second factor as the central service
 * holds it. Nothing changes when it is the same (a used recovery code stays
 * used); when it changed, the person's sessions end, so the next sign-in asks
 * for the new factor (or, reset, for setting one up). True when it changed.
 */
export function replaceSecondFactor(db: VenueDb, staffId: string, next: SecondFactorData | null, now: Date): boolean {
  const row = totpRow(db, staffId);
  if (!row || sameData(db, staffId, row, next)) return false;
  db.prepare(`UPDATE staff SET totp_secret = ?, totp_last_step = NULL, totp_pending = NULL WHERE id = ?`).run(next?.secret ?? null, staffId);
  storeRecoveryHashes(db, staffId, next?.recoveryHashes ?? []);
  endSessionsOf(db, staffId, now, null);
  return true;
}

/** Starts setting up a new secret on a stand-alone device; the one returned is shown once, as a QR code. */
export function beginLocalSetup(db: VenueDb, staffId: string): string {
  const secret = newTotpSecret();
  db.prepare(`UPDATE staff SET totp_pending = ? WHERE id = ?`).run(secret, staffId);
  return secret;
}

/**
 * The first code from the app confirms the secret being set up: it becomes
 * the account's (replacing an earlier one), with ten new recovery codes,
 * returned here to be shown once. Every other session of the person ends.
 * Null when there is no setup under way or the code is not right.
 */
export function confirmLocalSetup(db: VenueDb, staffId: string, code: string, now: Date, keepSession: string): string[] | null {
  const row = totpRow(db, staffId);
  if (!row?.totp_pending) return null;
  const step = matchTotp(row.totp_pending, code.replace(/\s+/g, ''), now.getTime(), null);
  if (step === null) return null;
  const codes = newRecoveryCodes();
  db.prepare(`UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ? WHERE id = ?`).run(step, staffId);
  storeRecoveryHashes(db, staffId, codes.map(hashRecoveryCode));
  endSessionsOf(db, staffId, now, keepSession);
  return codes;
}

/** Whether a setup is under way (a secret made, its first code not yet typed). */
export function setupPending(db: VenueDb, staffId: string): boolean {
  return Boolean(totpRow(db, staffId)?.totp_pending);
}
