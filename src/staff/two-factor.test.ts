import { describe, expect, it } from 'vitest';
import { DEMO_RECOVERY_CODES, DEMO_STAFF, DEMO_TOTP_SECRET } from '../../test/fixtures/demo';
import { decodeWithApp, modulesToLuma } from '../../test/support/app-decoder';
import { useTestVenue, type TestVenue } from '../../test/support/venue';
import { LOCKOUT_MINUTES, MAX_FAILED_SIGN_INS } from './accounts';
import { matchTotp, totpCodeForStep, totpStep, TOTP_PERIOD_SECONDS } from './second-factor';

/**
 * Two-factor sign-in for supervisors with a fixed clock: the demo
 * supervisor's authenticator app is the demo secret (src/training/demo-venue.ts),
 * the codes are made by the same RFC 6238 library at chosen steps.
 */
const newVenue = useTestVenue();
const { login, password } = DEMO_STAFF.supervisor;
const STEP_MS = TOTP_PERIOD_SECONDS * 1000;

/** The code the app shows `offset` steps from the venue's clock. */
function code(venue: TestVenue, offset = 0): string {
  return totpCodeForStep(DEMO_TOTP_SECRET, totpStep(venue.clock.now().getTime()) + offset);
}

function failedAttempts(venue: TestVenue): number {
  return (venue.db.prepare(`SELECT failed_attempts FROM staff WHERE login = ?`).get(login) as { failed_attempts: number }).failed_attempts;
}

function lastRefusal(venue: TestVenue): { outcome: string; reason: string } {
  const row = venue.db.prepare(`SELECT outcome, detail FROM audit_log WHERE action = 'signIn' AND outcome <> 'ok' ORDER BY seq DESC LIMIT 1`).get() as { outcome: string; detail: string };
  return { outcome: row.outcome, reason: (JSON.parse(row.detail) as { reason: string }).reason };
}

describe('a supervisor signing in with a second factor', () => {
  it('is asked for the code after the right password, without counting it as a failure', () => {
    const venue = newVenue();
    const desk = venue.anonymous();
    const asked = desk.refused('signIn', { login, password }, 'SECOND_FACTOR_REQUIRED');
    expect(asked.message.en).toMatch(/6-digit code/);
    expect(failedAttempts(venue)).toBe(0);
    expect(lastRefusal(venue)).toEqual({ outcome: 'SECOND_FACTOR_REQUIRED', reason: 'SECOND_FACTOR_MISSING' });
    // A wrong password is refused as before, code or not: the code is never looked at.
    desk.refused('signIn', { login, password: 'wrong-pass', code: code(venue) }, 'WRONG_CREDENTIALS');
  });

  it('signs in with the right code, and refuses a wrong one as a failed attempt', () => {
    const venue = newVenue();
    const desk = venue.anonymous();
    const right = code(venue);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    desk.refused('signIn', { login, password, code: wrong }, 'WRONG_CODE');
    expect(failedAttempts(venue)).toBe(1);
    expect(lastRefusal(venue)).toEqual({ outcome: 'WRONG_CODE', reason: 'WRONG_CODE' });
    const signedIn = desk.ok('signIn', { login, password, code: right });
    expect(signedIn).toMatchObject({ staff: { login }, secondFactor: 'verified', recoveryCodesLeft: null });
    expect(failedAttempts(venue)).toBe(0);
    expect(desk.ok('whoAmI', {}).secondFactor).toBe('verified');
  });

  it('refuses a code already used, even within its window, and the steps before it', () => {
    const venue = newVenue();
    const now = code(venue);
    venue.anonymous().ok('signIn', { login, password, code: now });
    venue.anonymous().refused('signIn', { login, password, code: now }, 'WRONG_CODE');
    expect(lastRefusal(venue)).toEqual({ outcome: 'WRONG_CODE', reason: 'REPLAYED_CODE' });
    // The previous step is still inside the drift window, but older than the one used: refused too.
    venue.anonymous().refused('signIn', { login, password, code: code(venue, -1) }, 'WRONG_CODE');
    expect(failedAttempts(venue)).toBe(2);
    // Ten seconds on, the same code is still the app's (same step): still refused.
    venue.clock.advance(10_000);
    venue.anonymous().refused('signIn', { login, password, code: now }, 'WRONG_CODE');
    // The next step's code works.
    venue.clock.advance(STEP_MS);
    venue.anonymous().ok('signIn', { login, password, code: code(venue) });
  });

  it('accepts a code one step behind or ahead of the device clock, and not two', () => {
    const venue = newVenue();
    venue.anonymous().refused('signIn', { login, password, code: code(venue, -2) }, 'WRONG_CODE');
    venue.anonymous().refused('signIn', { login, password, code: code(venue, 2) }, 'WRONG_CODE');
    venue.anonymous().ok('signIn', { login, password, code: code(venue, -1) });
    venue.anonymous().ok('signIn', { login, password, code: code(venue, 1) });
    // Drift checked on the pure function too, at a step boundary.
    const boundary = 1_790_000_000 * 1000 - (1_790_000_000 % TOTP_PERIOD_SECONDS) * 1000;
    const step = totpStep(boundary);
    expect(matchTotp(DEMO_TOTP_SECRET, totpCodeForStep(DEMO_TOTP_SECRET, step - 1), boundary, null)).toBe(step - 1);
    expect(matchTotp(DEMO_TOTP_SECRET, totpCodeForStep(DEMO_TOTP_SECRET, step - 1), boundary - 1, null)).toBe(step - 1);
    expect(matchTotp(DEMO_TOTP_SECRET, totpCodeForStep(DEMO_TOTP_SECRET, step - 2), boundary, null)).toBeNull();
  });

  it('signs in with a recovery code once, however it is typed, and says how many are left', () => {
    const venue = newVenue();
    const [first] = DEMO_RECOVERY_CODES;
    const typed = ` ${first!.replace('-', '').toLowerCase()} `;
    expect(venue.anonymous().ok('signIn', { login, password, code: typed })).toMatchObject({ secondFactor: 'verified', recoveryCodesLeft: 9 });
    venue.anonymous().refused('signIn', { login, password, code: first! }, 'WRONG_CODE');
    expect(lastRefusal(venue)).toEqual({ outcome: 'WRONG_CODE', reason: 'REPLAYED_CODE' });
    venue.anonymous().refused('signIn', { login, password, code: 'ZZZZZ-ZZZZZ' }, 'WRONG_CODE');
    const logged = venue.db.prepare(`SELECT detail FROM audit_log WHERE action = 'signIn' AND outcome = 'ok' ORDER BY seq DESC LIMIT 1`).pluck().get() as string;
    expect(JSON.parse(logged)).toEqual({ recoveryCode: true, recoveryCodesLeft: 9 });
  });

  it('counts wrong codes toward the same lock-out as wrong passwords', () => {
    const venue = newVenue();
    const desk = venue.anonymous();
    // Three wrong passwords and two wrong codes: the fifth failure locks the account.
    for (let i = 0; i < 3; i++) desk.refused('signIn', { login, password: `wrong-${i}-pass` }, 'WRONG_CREDENTIALS');
    desk.refused('signIn', { login, password, code: '000000' === code(venue) ? '111111' : '000000' }, 'WRONG_CODE');
    expect(failedAttempts(venue)).toBe(MAX_FAILED_SIGN_INS - 1);
    desk.refused('signIn', { login, password, code: 'ZZZZZ-ZZZZZ' }, 'WRONG_CODE');
    // Locked: even the right password and the right code get the one refusal of every locked account.
    desk.refused('signIn', { login, password, code: code(venue) }, 'WRONG_CREDENTIALS');
    expect(lastRefusal(venue)).toEqual({ outcome: 'WRONG_CREDENTIALS', reason: 'ACCOUNT_LOCKED' });
    venue.clock.advance((LOCKOUT_MINUTES + 1) * 60_000);
    desk.ok('signIn', { login, password, code: code(venue) });
  });

  it('a right password does not clear the count while the code is still wrong', () => {
    const venue = newVenue();
    const desk = venue.anonymous();
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) desk.refused('signIn', { login, password, code: 'ZZZZZ-ZZZZ2' }, 'WRONG_CODE');
    desk.refused('signIn', { login, password, code: code(venue) }, 'WRONG_CREDENTIALS');
    expect(lastRefusal(venue).reason).toBe('ACCOUNT_LOCKED');
  });

  it('never asks reception or nurses for a code', () => {
    const venue = newVenue();
    expect(venue.anonymous().ok('signIn', { login: DEMO_STAFF.nurse.login, password: DEMO_STAFF.nurse.password })).toMatchObject({ secondFactor: 'not-required' });
  });
});

describe('unlocking a supervisor’s screen', () => {
  it('needs the password and a fresh code; wrong codes count and the fifth ends the session', () => {
    const venue = newVenue();
    const desk = venue.signIn('supervisor');
    desk.ok('lockSession', {});
    desk.refused('unlockSession', { password }, 'SECOND_FACTOR_REQUIRED');
    venue.clock.advance(STEP_MS);
    desk.ok('unlockSession', { password, code: code(venue) });
    expect(desk.ok('whoAmI', {}).locked).toBe(false);
    desk.ok('lockSession', {});
    // The code just used opens nothing again.
    desk.refused('unlockSession', { password, code: code(venue) }, 'WRONG_CODE');
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++) desk.call('unlockSession', { password, code: 'ZZZZZ-ZZZZZ' });
    desk.refused('whoAmI', {}, 'SESSION_ENDED');
  });
});

describe('a supervisor without a second factor', () => {
  function withoutSecondFactor(venue: TestVenue): void {
    venue.db.prepare(`UPDATE staff SET totp_secret = NULL WHERE login = ?`).run(login);
    venue.db.prepare(`DELETE FROM staff_recovery_codes`).run();
  }

  it('signs in with the password alone, but every privileged operation is refused until one is set up', () => {
    const venue = newVenue();
    withoutSecondFactor(venue);
    const desk = venue.anonymous();
    expect(desk.ok('signIn', { login, password })).toMatchObject({ secondFactor: 'setup-required' });
    for (const [name, input] of [
      ['listStaff', {}],
      ['closeDay', { note: '本日分の確認完了' }],
      ['backupNow', {}],
      ['exportDoses', { encoding: 'utf-8' }],
    ] as const) {
      expect(desk.refused(name, input as never, 'SECOND_FACTOR_SETUP_REQUIRED').message.en).toMatch(/Set it up first/);
    }
    // What every role may do is not privileged.
    desk.ok('todayCounts', {});
    expect(desk.ok('secondFactorStatus', {})).toEqual({ state: 'setup-required', setUpHere: true, setupPending: false, recoveryCodesLeft: 0 });
  });

  it('sets one up on a stand-alone device: the QR secret, the first code, ten recovery codes; then it is asked for everywhere', async () => {
    const venue = newVenue();
    withoutSecondFactor(venue);
    const desk = venue.anonymous();
    desk.ok('signIn', { login, password });
    const other = venue.anonymous();
    other.ok('signIn', { login, password });
    const setup = desk.ok('beginSecondFactorSetup', {});
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\/.+\?.*secret=[A-Z2-7]{32}/);
    const secret = setup.secret.replace(/ /g, '');
    expect(setup.uri).toContain(secret);
    // The QR code the page draws holds exactly the URI (read back by the app's own decoder).
    const modules = setup.qr.split('/').map((row) => [...row].map((m) => m === '1'));
    expect((await decodeWithApp(modulesToLuma(modules, 4, 4))).map((c) => [c.format, c.text])).toEqual([['qr', setup.uri]]);
    const now = totpStep(venue.clock.now().getTime());
    desk.refused('confirmSecondFactorSetup', { code: totpCodeForStep(secret, now - 3) }, 'WRONG_CODE');
    const { recoveryCodes } = desk.ok('confirmSecondFactorSetup', { code: totpCodeForStep(secret, now) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // This session proved the code; the other one, signed in with the password alone, ended.
    expect(desk.ok('whoAmI', {}).secondFactor).toBe('verified');
    desk.ok('listStaff', {});
    other.refused('whoAmI', {}, 'SESSION_ENDED');
    // The code used to confirm is spent; a sign-in needs a new one or a recovery code.
    venue.anonymous().refused('signIn', { login, password }, 'SECOND_FACTOR_REQUIRED');
    venue.anonymous().refused('signIn', { login, password, code: totpCodeForStep(secret, now) }, 'WRONG_CODE');
    venue.anonymous().ok('signIn', { login, password, code: recoveryCodes[3]! });
    venue.anonymous().ok('signIn', { login, password, code: totpCodeForStep(secret, now + 1) });
    // Never shown again: nothing the supervisor can read holds it, and the log does not either.
    const everything = JSON.stringify([desk.ok('listStaff', {}), desk.ok('secondFactorStatus', {}), desk.ok('auditLog', { limit: 200 })]);
    expect(everything).not.toContain(secret);
    for (const recovery of recoveryCodes) expect(everything).not.toContain(recovery);
    const auditRows = JSON.stringify(venue.db.prepare(`SELECT * FROM audit_log`).all());
    expect(auditRows).not.toContain(secret);
    expect(auditRows).not.toContain(recoveryCodes[0]);
  });
});

describe('resetting a supervisor’s second factor on a stand-alone device', () => {
  it('another supervisor resets it: their sessions end and they are asked to set it up again', () => {
    const venue = newVenue();
    const boss = venue.signIn('supervisor');
    const second = boss.ok('createStaff', { login: 'kanri2', displayName: '管理 二郎', role: 'supervisor', password: 'kanri2-pass-1' });
    const firstId = (venue.db.prepare(`SELECT id FROM staff WHERE login = ?`).get(login) as { id: string }).id;
    boss.refused('resetSecondFactor', { staffId: firstId }, 'CANNOT_RESET_SELF');
    const other = venue.anonymous();
    other.ok('signIn', { login: 'kanri2', password: 'kanri2-pass-1' });
    const setup = other.ok('beginSecondFactorSetup', {});
    const secret = setup.secret.replace(/ /g, '');
    other.ok('confirmSecondFactorSetup', { code: totpCodeForStep(secret, totpStep(venue.clock.now().getTime())) });
    expect(boss.ok('listStaff', {}).find((s) => s.login === 'kanri2')?.secondFactorSet).toBe(true);
    expect(boss.ok('resetSecondFactor', { staffId: second.id })).toEqual({ staffId: second.id, reset: true });
    other.refused('whoAmI', {}, 'SESSION_ENDED');
    expect(venue.anonymous().ok('signIn', { login: 'kanri2', password: 'kanri2-pass-1' }).secondFactor).toBe('setup-required');
  });
});
