import { totpCodeForStep, totpStep, TOTP_DRIFT_STEPS } from '../../src/staff/second-factor';
import type { VenueDb } from '../../src/store/database';

/**
 * The code a supervisor's authenticator app would show, for signing in the
 * test kits' supervisors: read from the account's own secret in the device
 * database (the demo's, or one set up centrally in the test). The earliest
 * step of the drift window not used yet is taken, so several sign-ins at one
 * fixed test clock each get a fresh code; when the window is used up, the
 * kit forgets the last step used (a test-kit shortcut: replay refusal itself
 * is tested in src/staff/two-factor.test.ts). Undefined for accounts without
 * a second factor.
 */
export function secondFactorCode(db: VenueDb, login: string, atMs: number): string | undefined {
  const row = db.prepare(`SELECT id, totp_secret, totp_last_step FROM staff WHERE login = ?`).get(login) as
    | { id: string; totp_secret: string | null; totp_last_step: number | null }
    | undefined;
  if (!row?.totp_secret) return undefined;
  const now = totpStep(atMs);
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    if (row.totp_last_step === null || step > row.totp_last_step) return totpCodeForStep(row.totp_secret, step);
  }
  db.prepare(`UPDATE staff SET totp_last_step = NULL WHERE id = ?`).run(row.id);
  return totpCodeForStep(row.totp_secret, now - TOTP_DRIFT_STEPS);
}
