import { describe, expect, it } from 'vitest';
import { DEMO_TICKETS as T, ticketLine } from '../../test/fixtures/demo';
import { useTestVenue, type TestVenue } from '../../test/support/venue';
import { LOCKOUT_MINUTES, MAX_FAILED_SIGN_INS } from './accounts';

const newVenue = useTestVenue();

function staffId(venue: TestVenue, login: string): string {
  return (venue.db.prepare(`SELECT id FROM staff WHERE login = ?`).get(login) as { id: string }).id;
}

/** The newest refused sign-in in the audit log, as a supervisor reads it. */
function lastSignIn(venue: TestVenue): { staff_id: string | null; outcome: string; reason: string } {
  const row = venue.db.prepare(`SELECT staff_id, outcome, detail FROM audit_log WHERE action = 'signIn' AND outcome <> 'ok' ORDER BY seq DESC LIMIT 1`).get() as
    | { staff_id: string | null; outcome: string; detail: string | null }
    | undefined;
  if (!row) throw new Error('no refused sign-in in the log');
  return { staff_id: row.staff_id, outcome: row.outcome, reason: (JSON.parse(row.detail ?? '{}') as { reason?: string }).reason ?? '' };
}

describe('signing in', () => {
  it('signs in with the right password and refuses a wrong one with the same words as an unknown login', () => {
    const venue = newVenue();
    const desk = venue.anonymous();
    const wrong = desk.refused('signIn', { login: 'uketsuke', password: 'nope-nope' }, 'WRONG_CREDENTIALS');
    const unknown = desk.refused('signIn', { login: 'nobody', password: 'nope-nope' }, 'WRONG_CREDENTIALS');
    expect(wrong.message).toEqual(unknown.message);
    expect(desk.ok('signIn', { login: 'uketsuke', password: 'uketsuke-pass-1' })).toMatchObject({ staff: { role: 'reception' }, deskId: 'R1' });
  });

  it(`locks the account for ${LOCKOUT_MINUTES} minutes after ${MAX_FAILED_SIGN_INS} wrong passwords, even for the right one`, () => {
    const venue = newVenue();
    const desk = venue.anonymous();
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) desk.refused('signIn', { login: 'kango', password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    desk.refused('signIn', { login: 'kango', password: 'kango-pass-1' }, 'WRONG_CREDENTIALS');
    expect(lastSignIn(venue)).toEqual({ staff_id: staffId(venue, 'kango'), outcome: 'WRONG_CREDENTIALS', reason: 'ACCOUNT_LOCKED' });
    venue.clock.advance((LOCKOUT_MINUTES + 1) * 60_000);
    desk.ok('signIn', { login: 'kango', password: 'kango-pass-1' });
  });

  it('answers an unknown login, a disabled account, a locked account and a wrong password alike, whatever the password', () => {
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    supervisor.ok('setStaffDisabled', { staffId: staffId(venue, 'uketsuke'), disabled: true });
    const desk = venue.anonymous();
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) desk.call('signIn', { login: 'kango', password: 'wrong-pass' });
    const replies = {
      unknown: desk.call('signIn', { login: 'nobody', password: 'nobody-pass-1' }),
      wrong: desk.call('signIn', { login: 'kanri', password: 'wrong-pass' }),
      disabledRightPassword: desk.call('signIn', { login: 'uketsuke', password: 'uketsuke-pass-1' }),
      disabledWrongPassword: desk.call('signIn', { login: 'uketsuke', password: 'wrong-pass' }),
      lockedRightPassword: desk.call('signIn', { login: 'kango', password: 'kango-pass-1' }),
      lockedWrongPassword: desk.call('signIn', { login: 'kango', password: 'wrong-pass' }),
    };
    const shapes = new Set(Object.values(replies).map((reply) => JSON.stringify(reply)));
    expect(shapes.size, [...shapes].join('\n')).toBe(1);
    expect(replies.unknown).toMatchObject({ ok: false, error: { code: 'WRONG_CREDENTIALS' } });
    // The supervisor sees in the log what it was (never the login typed for an unknown one).
    const reasons = (venue.db.prepare(`SELECT detail FROM audit_log WHERE action = 'signIn' AND outcome <> 'ok' ORDER BY seq DESC LIMIT 6`).all() as { detail: string }[])
      .map((row) => (JSON.parse(row.detail) as { reason: string }).reason)
      .reverse();
    expect(reasons).toEqual(['UNKNOWN_LOGIN', 'WRONG_PASSWORD', 'ACCOUNT_DISABLED', 'ACCOUNT_DISABLED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    expect(JSON.stringify(venue.db.prepare(`SELECT * FROM audit_log`).all())).not.toContain('nobody');
  });

  it('a lock-out runs on the monotonic clock: setting the desk clock forward does not end it, setting it back does not stretch it', () => {
    const venue = newVenue();
    const desk = venue.anonymous();
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) desk.refused('signIn', { login: 'kango', password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    const start = venue.clock.now().getTime();
    venue.clock.set(new Date(start + 2 * 60 * 60_000));
    desk.refused('signIn', { login: 'kango', password: 'kango-pass-1' }, 'WRONG_CREDENTIALS');
    expect(lastSignIn(venue)).toMatchObject({ reason: 'ACCOUNT_LOCKED' });
    venue.clock.set(new Date(start - 24 * 60 * 60_000));
    venue.clock.advance((LOCKOUT_MINUTES + 1) * 60_000);
    desk.ok('signIn', { login: 'kango', password: 'kango-pass-1' });
  });

  it('stores only argon2id hashes of passwords and of session tokens', () => {
    const venue = newVenue();
    venue.signIn('reception');
    const hashes = venue.db.prepare(`SELECT password_hash FROM staff`).all() as { password_hash: string }[];
    for (const { password_hash } of hashes) expect(password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const tokens = venue.db.prepare(`SELECT token_hash FROM sessions`).all() as { token_hash: string }[];
    for (const { token_hash } of tokens) expect(token_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the idle lock', () => {
  it('locks a session left idle and hides everything until the same person enters the password', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    desk.ok('scanTicket', { code: ticketLine(T.ok) });
    venue.clock.advance(6 * 60_000);
    desk.refused('scanTicket', { code: ticketLine(T.ok) }, 'SESSION_LOCKED');
    desk.refused('vaccinationQueue', {}, 'SESSION_LOCKED');
    expect(desk.ok('whoAmI', {})).toMatchObject({ locked: true });
    desk.refused('unlockSession', { password: 'kanri-pass-1' }, 'WRONG_CREDENTIALS');
    desk.ok('unlockSession', { password: 'uketsuke-pass-1' });
    expect(desk.ok('scanTicket', { code: ticketLine(T.ok) }).read).toBe('ticket');
  });

  it('times idleness on the monotonic clock: a clock set back does not keep an idle session open, one set forward does not lock it early', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    desk.ok('scanTicket', { code: ticketLine(T.ok) });
    const start = venue.clock.now().getTime();
    venue.clock.set(new Date(start + 60 * 60_000));
    expect(desk.ok('scanTicket', { code: ticketLine(T.ok) }).read).toBe('ticket');
    venue.clock.set(new Date(start - 60 * 60_000));
    venue.clock.advance(6 * 60_000);
    desk.refused('scanTicket', { code: ticketLine(T.ok) }, 'SESSION_LOCKED');
  });

  it('locks at once on request, and staying active keeps a session open', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    for (let i = 0; i < 5; i++) {
      venue.clock.advance(4 * 60_000);
      desk.ok('scanTicket', { code: ticketLine(T.ok) });
    }
    desk.ok('lockSession', {});
    desk.refused('vaccinationQueue', {}, 'SESSION_LOCKED');
  });

  it('screens refreshing on their own (queue, counts) do not hold off the idle lock', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      venue.clock.advance(2 * 60_000);
      for (const reply of [desk.call('vaccinationQueue', {}), desk.call('todayCounts', {})]) answers.push(reply.ok ? 'ok' : reply.error.code);
    }
    // Served while the session was fresh, refused once five minutes passed without a real action.
    expect(answers).toEqual(['ok', 'ok', 'ok', 'ok', 'SESSION_LOCKED', 'SESSION_LOCKED', 'SESSION_LOCKED', 'SESSION_LOCKED', 'SESSION_LOCKED', 'SESSION_LOCKED']);
    expect(desk.ok('whoAmI', {}).locked).toBe(true);
  });

  it('ends the session and locks the account after repeated wrong passwords at the lock screen', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    desk.ok('lockSession', {});
    for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++) desk.refused('unlockSession', { password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    desk.refused('unlockSession', { password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    desk.refused('whoAmI', {}, 'SESSION_ENDED');
    desk.refused('whoAmI', {}, 'NOT_SIGNED_IN');
    // The account waits like after wrong passwords at sign-in, even for the right password at another desk.
    venue.anonymous().refused('signIn', { login: 'uketsuke', password: 'uketsuke-pass-1' }, 'WRONG_CREDENTIALS');
    expect(lastSignIn(venue).reason).toBe('ACCOUNT_LOCKED');
    venue.clock.advance((LOCKOUT_MINUTES + 1) * 60_000);
    venue.anonymous().ok('signIn', { login: 'uketsuke', password: 'uketsuke-pass-1' });
  });

  it('counts wrong passwords at sign-in and at the lock screen together', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    desk.ok('lockSession', {});
    const other = venue.anonymous();
    for (let i = 0; i < MAX_FAILED_SIGN_INS - 2; i++) other.refused('signIn', { login: 'uketsuke', password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    desk.refused('unlockSession', { password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    desk.refused('unlockSession', { password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    other.refused('signIn', { login: 'uketsuke', password: 'uketsuke-pass-1' }, 'WRONG_CREDENTIALS');
    expect(lastSignIn(venue).reason).toBe('ACCOUNT_LOCKED');
  });

  it('keeps a locked screen locked while the account is locked out, even for the right password', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    desk.ok('lockSession', {});
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) venue.anonymous().refused('signIn', { login: 'uketsuke', password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    desk.refused('unlockSession', { password: 'uketsuke-pass-1' }, 'ACCOUNT_LOCKED');
    expect(desk.ok('whoAmI', {}).locked).toBe(true);
    venue.clock.advance((LOCKOUT_MINUTES + 1) * 60_000);
    desk.ok('unlockSession', { password: 'uketsuke-pass-1' });
  });
});

describe('staff accounts', () => {
  it('a supervisor creates and disables staff; a disabled account is signed out at once and cannot sign in', () => {
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    const created = supervisor.ok('createStaff', { login: 'temp.nurse', displayName: '応援 看護師', role: 'nurse', password: 'temp-nurse-pass' });
    supervisor.refused('createStaff', { login: 'temp.nurse', displayName: '重複', role: 'nurse', password: 'temp-nurse-pass' }, 'LOGIN_TAKEN');
    const nurse = venue.anonymous();
    nurse.ok('signIn', { login: 'temp.nurse', password: 'temp-nurse-pass' });
    supervisor.ok('setStaffDisabled', { staffId: created.id, disabled: true });
    nurse.refused('vaccinationQueue', {}, 'SESSION_ENDED');
    nurse.refused('signIn', { login: 'temp.nurse', password: 'temp-nurse-pass' }, 'WRONG_CREDENTIALS');
    expect(lastSignIn(venue)).toMatchObject({ staff_id: created.id, reason: 'ACCOUNT_DISABLED' });
    supervisor.ok('setStaffDisabled', { staffId: created.id, disabled: false });
    nurse.ok('signIn', { login: 'temp.nurse', password: 'temp-nurse-pass' });
  });

  it('every call is in the audit log with who, what, when and which desk', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    desk.ok('checkIn', { municipality: '131016', number: T.ok });
    const row = venue.db.prepare(`SELECT * FROM audit_log WHERE action = 'checkIn'`).get() as Record<string, string>;
    expect(row).toMatchObject({ desk_id: 'R1', outcome: 'ok', at: '2026-11-23T09:00:00.000+09:00' });
    expect(row.staff_id).toBeTruthy();
    expect(row.record_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(desk.ok('whoAmI', {}).staff.id).toBe(row.staff_id);
  });
});

describe('the audit log of reads', () => {
  it('logs a sign-in with who signed in, and a polled read once per five minutes', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    const signIn = venue.db.prepare(`SELECT staff_id FROM audit_log WHERE action = 'signIn' AND outcome = 'ok'`).get() as { staff_id: string };
    expect(signIn.staff_id).toBe(desk.ok('whoAmI', {}).staff.id);
    const count = () => (venue.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'vaccinationQueue'`).get() as { n: number }).n;
    for (let i = 0; i < 10; i++) {
      desk.ok('scanTicket', { code: ticketLine(T.ok) });
      desk.ok('vaccinationQueue', {});
      venue.clock.advance(20_000);
    }
    expect(count()).toBe(1);
    // 200 s have passed since the first logged read; 110 s more make five minutes.
    venue.clock.advance(110_000);
    desk.ok('scanTicket', { code: ticketLine(T.ok) });
    desk.ok('vaccinationQueue', {});
    expect(count()).toBe(2);
    // Active operations are logged every time.
    expect((venue.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'scanTicket'`).get() as { n: number }).n).toBe(11);
  });
});
