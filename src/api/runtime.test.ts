import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_RECOVERY_CODES, DEMO_TICKETS as T, DEMO_TOTP_SECRET } from '../../test/fixtures/demo';
import { secondFactorCode } from '../../test/support/second-factor';
import { useTempDir } from '../../test/support/temp';
import { DEMO_NOW, Desk, seedDemoVenue } from '../../test/support/venue';
import { ManualClock } from '../common/time';
import { MAX_FAILED_SIGN_INS } from '../staff/accounts';
import { totpCodeForStep, totpStep } from '../staff/second-factor';
import type { VenueEvent } from './operation';
import { RECOVERY_LOCK_MINUTES, RECOVERY_MAX_OVERALL, RECOVERY_MAX_PER_LOGIN } from './recovery-throttle';
import { VenueRuntime } from './runtime';

const newDir = useTempDir('venue-runtime-');

function startRuntime(dataDir = newDir(), key = randomBytes(32), auditKey = randomBytes(32)) {
  const clock = new ManualClock(DEMO_NOW);
  const events: VenueEvent[] = [];
  let seeded = false;
  const runtime = VenueRuntime.start({
    dataDir,
    key,
    auditKey,
    clock,
    onEvent: (event) => events.push(event),
    afterOpen: (db) => {
      if (!seeded && (db.prepare('SELECT count(*) AS n FROM staff').get() as { n: number }).n === 0) seedDemoVenue(db, clock.now());
      seeded = true;
    },
  });
  const desk = (role: 'supervisor' | 'reception' | 'nurse') => {
    const d = new Desk(runtime.connect());
    const logins = { supervisor: ['kanri', 'kanri-pass-1'], reception: ['uketsuke', 'uketsuke-pass-1'], nurse: ['kango', 'kango-pass-1'] } as const;
    const db = runtime.database;
    const code = db ? secondFactorCode(db, logins[role][0], clock.now().getTime()) : undefined;
    d.ok('signIn', { login: logins[role][0], password: logins[role][1], ...(code ? { code } : {}) });
    return d;
  };
  return { runtime, clock, events, desk, dataDir, key, auditKey };
}

/** The demo supervisor's authenticator app, `offset` steps from the clock. */
const demoCode = (clock: ManualClock, offset = 0) => totpCodeForStep(DEMO_TOTP_SECRET, totpStep(clock.now().getTime()) + offset);

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A runtime in recovery mode: its database damaged, one backup kept. */
function brokenRuntime() {
  const { runtime, desk, dataDir, key, auditKey } = startRuntime();
  desk('reception').ok('checkIn', { municipality: M, number: T.ok });
  const backup = runtime.backupIfDue();
  runtime.close();
  const path = join(dataDir, 'venue.db');
  const bytes = readFileSync(path);
  for (let i = 4096; i < bytes.length; i += 4096) bytes[i + 100] = (bytes[i + 100] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);
  const broken = startRuntime(dataDir, key, auditKey);
  expect(broken.runtime.mode).toBe('recovery');
  return { ...broken, backupId: backup?.id ?? '', page: new Desk(broken.runtime.connect()) };
}

describe('the runtime', () => {
  it('backs up on demand and once a day, and restores a backup asked for by a supervisor', async () => {
    const { runtime, desk, events, clock } = startRuntime();
    const supervisor = desk('supervisor');
    expect(runtime.backupIfDue()).not.toBeNull();
    expect(runtime.backupIfDue()).toBeNull();
    desk('reception').ok('checkIn', { municipality: M, number: T.ok });
    const backup = supervisor.ok('backupNow', {});
    expect(backup.counts).toMatchObject({ checkins: 1 });
    expect(supervisor.ok('listBackups', {}).map((b) => b.id)).toContain(backup.id);
    clock.advance(60_000);
    const late = desk('reception');
    late.ok('checkIn', { municipality: M, number: T.okSecond });

    const plan = supervisor.ok('planRestore', { backupId: backup.id });
    expect(plan).toMatchObject({ currentReadable: true, carriedOver: { checkins: 1 } });
    supervisor.refused('restoreBackup', { backupId: backup.id, password: 'wrong-pass' }, 'WRONG_CREDENTIALS');
    expect(supervisor.ok('restoreBackup', { backupId: backup.id, password: 'kanri-pass-1' })).toEqual({ restoring: true, backupId: backup.id });
    await tick();
    expect(events.map((e) => e.type)).toContain('restored');
    // Sessions come from the restored database: one opened after the backup must sign in again.
    late.refused('whoAmI', {}, 'NOT_SIGNED_IN');
    // Both check-ins are there: the later one was carried over.
    const again = desk('supervisor');
    expect(again.ok('todayCounts', {}).checkedIn).toBe(2);
    const log = again.ok('auditLog', { action: 'restoreBackup' });
    expect(log.entries.map((e) => e.outcome)).toContain('ok');
    runtime.close();
  });

  it('starts in recovery mode on a damaged database and recovers with a supervisor’s password from the backup', () => {
    const broken = brokenRuntime();
    const { page } = broken;
    const backup = { id: broken.backupId };
    expect(page.ok('deviceStatus', {})).toMatchObject({ recovery: { code: 'DAMAGED' } });
    page.refused('signIn', { login: 'kanri', password: 'kanri-pass-1' }, 'RECOVERY_MODE');
    expect(page.ok('listBackups', {}).map((b) => b.id)).toEqual([backup?.id]);
    expect(page.ok('planRestore', { backupId: backup?.id ?? '' })).toMatchObject({ currentReadable: false });
    page.refused('recoverFromBackup', { backupId: backup?.id ?? '', login: 'uketsuke', password: 'uketsuke-pass-1' }, 'WRONG_CREDENTIALS');
    // The supervisor's second factor as kept in the backup is asked for too.
    page.refused('recoverFromBackup', { backupId: backup?.id ?? '', login: 'kanri', password: 'kanri-pass-1' }, 'SECOND_FACTOR_REQUIRED');
    page.refused('recoverFromBackup', { backupId: backup?.id ?? '', login: 'kanri', password: 'kanri-pass-1', code: demoCode(broken.clock, -3) }, 'WRONG_CODE');
    page.ok('recoverFromBackup', { backupId: backup?.id ?? '', login: 'kanri', password: 'kanri-pass-1', code: demoCode(broken.clock) });
    expect(broken.runtime.mode).toBe('ready');
    expect(broken.desk('supervisor').ok('todayCounts', {}).checkedIn).toBe(1);
    broken.runtime.close();
  });

  it('counts wrong passwords confirming a restore toward the same lock-out as sign-in', () => {
    const { runtime, desk } = startRuntime();
    const supervisor = desk('supervisor');
    const backup = supervisor.ok('backupNow', {});
    for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++) supervisor.refused('restoreBackup', { backupId: backup.id, password: `wrong-pass-${i}` }, 'WRONG_CREDENTIALS');
    // The fifth locks the account and ends the session, as at the lock screen.
    supervisor.refused('restoreBackup', { backupId: backup.id, password: 'wrong-pass-last' }, 'WRONG_CREDENTIALS');
    supervisor.refused('whoAmI', {}, 'SESSION_ENDED');
    new Desk(runtime.connect()).refused('signIn', { login: 'kanri', password: 'kanri-pass-1' }, 'WRONG_CREDENTIALS');
    runtime.close();
  });

  it(`recovery mode: ${RECOVERY_MAX_PER_LOGIN} wrong passwords for one login block that login for ${RECOVERY_LOCK_MINUTES} minutes, even the right password`, () => {
    const { runtime, page, backupId, clock } = brokenRuntime();
    for (let i = 0; i < RECOVERY_MAX_PER_LOGIN; i++) page.refused('recoverFromBackup', { backupId, login: 'kanri', password: `guess-${i}` }, 'WRONG_CREDENTIALS');
    const blocked = page.refused('recoverFromBackup', { backupId, login: 'kanri', password: 'kanri-pass-1' }, 'RECOVERY_LOCKED');
    expect(blocked.message.en).toMatch(/15 minutes/);
    // The same login written another way is the same login.
    page.refused('recoverFromBackup', { backupId, login: 'ＫＡＮＲＩ', password: 'kanri-pass-1' }, 'RECOVERY_LOCKED');
    expect(runtime.mode).toBe('recovery');
    clock.advance((RECOVERY_LOCK_MINUTES - 1) * 60_000);
    page.refused('recoverFromBackup', { backupId, login: 'kanri', password: 'kanri-pass-1' }, 'RECOVERY_LOCKED');
    clock.advance(2 * 60_000);
    page.ok('recoverFromBackup', { backupId, login: 'kanri', password: 'kanri-pass-1', code: DEMO_RECOVERY_CODES[0] });
    expect(runtime.mode).toBe('ready');
    runtime.close();
  });

  it(`recovery mode: ${RECOVERY_MAX_OVERALL} wrong attempts over any logins block every restore for ${RECOVERY_LOCK_MINUTES} minutes`, () => {
    const { runtime, page, backupId, clock } = brokenRuntime();
    for (let i = 0; i < RECOVERY_MAX_OVERALL; i++) page.refused('recoverFromBackup', { backupId, login: `someone-${i}`, password: 'guess-pass' }, 'WRONG_CREDENTIALS');
    page.refused('recoverFromBackup', { backupId, login: 'kanri', password: 'kanri-pass-1' }, 'RECOVERY_LOCKED');
    clock.advance((RECOVERY_LOCK_MINUTES + 1) * 60_000);
    page.ok('recoverFromBackup', { backupId, login: 'kanri', password: 'kanri-pass-1', code: demoCode(clock) });
    runtime.close();
  });
});
