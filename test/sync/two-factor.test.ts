import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { venueDate } from '../../src/common/time';
import { totpCodeForStep, totpStep } from '../../src/staff/second-factor';
import { runAdminCommand } from '../../server/cli/commands';
import { issueEnrollmentCode } from '../../server/enrollment';
import { DEMO_RECOVERY_CODES, DEMO_STAFF, DEMO_TOTP_SECRET } from '../fixtures/demo';
import { DEMO_NOW } from '../support/venue';
import { seedMunicipality, type SeededMunicipality, useServedCentral } from './support/central';
import { until, useDevices, type TestDevice } from './support/devices';

/**
 * The supervisor's second factor between the central service and a venue
 * device, over real HTTP on loopback: set and reset centrally with the admin
 * commands, checked offline on the device with its own (fixed) clock.
 */
const today = venueDate(new Date(DEMO_NOW));
const serverLog: string[] = [];
const newDevice = useDevices();
const { login, password } = DEMO_STAFF.supervisor;

const central = useServedCentral({ log: (line) => serverLog.push(line) });

async function enrolled(m: SeededMunicipality): Promise<TestDevice> {
  const device = newDevice({ name: 'R1' });
  const { code } = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId: 'R1' }, new Date());
  await device.enroll(central.served.url, code);
  return device;
}

async function admin(...argv: string[]): Promise<string> {
  const result = await runAdminCommand({ db: central.db, clock: { now: () => new Date() }, fingerprint: null }, argv, '');
  if (result.code !== 0) throw new Error(result.stderr.toString('utf8'));
  return result.stdout.toString('utf8');
}

/** The code an authenticator app holding `secret` shows, `offset` steps from the device's clock. */
function code(device: TestDevice, secret: string, offset = 0): string {
  return totpCodeForStep(secret, totpStep(device.clock.now().getTime()) + offset);
}

describe('two-factor sign-in set centrally', () => {
  it('works offline on the device with the device clock; a reset from the central service ends the session and asks for a new setup', async () => {
    const m = await seedMunicipality(central.db, { today });
    const device = await enrolled(m);
    await device.stop();
    // Offline: right code, wrong code, replay, a step of drift, a recovery code.
    device.anonymous().refused('signIn', { login, password }, 'SECOND_FACTOR_REQUIRED');
    device.anonymous().refused('signIn', { login, password, code: code(device, DEMO_TOTP_SECRET, -2) }, 'WRONG_CODE');
    const supervisor = device.anonymous();
    supervisor.ok('signIn', { login, password, code: code(device, DEMO_TOTP_SECRET) });
    device.anonymous().refused('signIn', { login, password, code: code(device, DEMO_TOTP_SECRET) }, 'WRONG_CODE');
    device.anonymous().ok('signIn', { login, password, code: code(device, DEMO_TOTP_SECRET, 1) });
    device.anonymous().ok('signIn', { login, password, code: DEMO_RECOVERY_CODES[2]! });
    supervisor.ok('listStaff', {});

    device.start();
    expect(await admin('staff', 'totp-reset', m.code, login)).toContain('removed');
    let ended: ReturnType<typeof supervisor.call<'whoAmI'>> | null = null;
    await until(() => !(ended = supervisor.call('whoAmI', {})).ok, 10_000, 'the supervisor’s session to end after the reset');
    expect(ended).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    // The password alone signs in now, and every privileged operation asks for the setup first, which is central here.
    const again = device.anonymous();
    expect(again.ok('signIn', { login, password }).secondFactor).toBe('setup-required');
    again.refused('listStaff', {}, 'SECOND_FACTOR_SETUP_REQUIRED');
    expect(again.ok('secondFactorStatus', {})).toMatchObject({ state: 'setup-required', setUpHere: false });
    expect(again.refused('beginSecondFactorSetup', {}, 'SECOND_FACTOR_CENTRAL').message.en).toMatch(/admin staff totp/);
    // The old recovery codes went with it: one given now verifies nothing.
    expect(device.anonymous().ok('signIn', { login, password, code: DEMO_RECOVERY_CODES[3]! }).secondFactor).toBe('setup-required');

    // Set up anew centrally: the new secret reaches the device, the old app's codes open nothing.
    const printed = await admin('staff', 'totp', m.code, login);
    const secret = new URL(/^(otpauth:\/\/\S+)$/m.exec(printed)?.[1] ?? 'x:').searchParams.get('secret') ?? '';
    await until(() => !again.call('whoAmI', {}).ok, 10_000, 'the password-only session to end when the new factor arrives');
    device.clock.advance(90_000);
    device.anonymous().refused('signIn', { login, password, code: code(device, DEMO_TOTP_SECRET) }, 'WRONG_CODE');
    const fresh = device.anonymous();
    expect(fresh.ok('signIn', { login, password, code: code(device, secret) }).secondFactor).toBe('verified');
    fresh.ok('listStaff', {});
    // It travelled inside the staff data into the encrypted database: in the device's store, never in its files in the clear.
    expect(device.db.prepare(`SELECT totp_secret FROM staff WHERE login = ?`).pluck().get(login)).toBe(secret);
    const files = [device.app.runtime.databasePath, `${device.app.runtime.databasePath}-wal`].filter((file) => existsSync(file));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes(Buffer.from(secret))).toBe(false);
    // Neither the secret nor a code went into the server's log or the device's audit log.
    const logged = serverLog.join('\n') + JSON.stringify(device.db.prepare(`SELECT * FROM audit_log`).all());
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain(DEMO_TOTP_SECRET);
  });
});
