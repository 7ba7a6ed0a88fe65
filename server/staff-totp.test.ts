import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/common/time';
import { matchTotp, recoveryCodeMatches, totpCodeAt } from '../src/staff/second-factor';
import { staffData } from '../src/sync/protocol';
import { decodeWithApp, modulesToLuma } from '../test/support/app-decoder';
import { seedMunicipality, useCentralDb, type SeededMunicipality } from '../test/sync/support/central';
import { runAdminCommand } from './cli/commands';
import type { CentralDb } from './db';
import { createStaff } from './staff';

/**
 * `admin staff totp` and `admin staff totp-reset`: the supervisor's second
 * factor made centrally, printed once (URI, a QR code a phone can scan,
 * recovery codes), sent down the feed with the staff data, and reset.
 */
const central = useCentralDb();
let db: CentralDb;
let m: SeededMunicipality;
const clock = new ManualClock('2026-11-23T09:00:00+09:00');

beforeAll(async () => {
  db = central();
  m = await seedMunicipality(db, { today: '2026-11-23' });
  await createStaff(db, { municipality: m.code, login: 'kanri2', displayName: '管理 二郎', role: 'supervisor', password: 'kanri2-pass-1' }, new Date());
});

async function admin(...argv: string[]) {
  const result = await runAdminCommand({ db, clock, fingerprint: null }, argv, '');
  return { code: result.code, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
}

async function sentToDevices(login: string) {
  const [row] = await db.query<{ body: string }>(`SELECT f.body FROM feed f JOIN staff s ON s.id = f.key WHERE f.kind = 'staff' AND s.municipality = $1 AND s.login = $2`, [m.code, login]);
  return staffData.parse(JSON.parse(row?.body ?? '{}'));
}

/** The half-block QR printed to the terminal, read back into modules (two rows of modules per line). */
function qrModules(stdout: string): boolean[][] {
  const lines = stdout.split('\n').filter((line) => line.startsWith('\u001b[30;47m'));
  const rows: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line.split('\u001b[30;47m').join('').split('\u001b[0m').join('')];
    rows.push(chars.map((c) => c === '█' || c === '▀'));
    rows.push(chars.map((c) => c === '█' || c === '▄'));
  }
  return rows;
}

describe('a supervisor’s second factor set up centrally', () => {
  it('prints the URI, a QR code the app’s own decoder reads back, and ten recovery codes, and sends them to the devices', async () => {
    const printed = await admin('staff', 'totp', m.code, 'kanri2');
    expect(printed.code, printed.stderr).toBe(0);
    const uri = /^(otpauth:\/\/totp\/\S+)$/m.exec(printed.stdout)?.[1] ?? '';
    const secret = new URL(uri).searchParams.get('secret') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const codes = [...printed.stdout.matchAll(/^ {2}([2-9A-Z]{5}-[2-9A-Z]{5})$/gm)].map((match) => match[1] ?? '');
    expect(codes).toHaveLength(10);
    // A phone scanning the terminal: the QR holds exactly the URI.
    const read = await decodeWithApp(modulesToLuma(qrModules(printed.stdout), 4, 4));
    expect(read.map((c) => [c.format, c.text])).toEqual([['qr', uri]]);

    const sent = await sentToDevices('kanri2');
    expect(sent.totp?.secret).toBe(secret);
    expect(sent.totp?.recoveryHashes).toHaveLength(10);
    // Only hashes of the recovery codes are kept and sent.
    expect(JSON.stringify(sent)).not.toContain(codes[0]);
    expect(sent.totp?.recoveryHashes.some((hash) => recoveryCodeMatches(hash, codes[0] ?? ''))).toBe(true);
    const now = clock.now().getTime();
    expect(matchTotp(sent.totp?.secret ?? '', totpCodeAt(secret, now), now, null)).not.toBeNull();

    // Never shown again: a second setup is refused without printing anything of the first.
    const again = await admin('staff', 'totp', m.code, 'kanri2');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('TOTP_ALREADY_SET');
    expect(again.stdout + again.stderr).not.toContain(secret);
    expect((await admin('staff', 'list', m.code)).stdout).toMatch(/kanri2\s+管理 二郎\s+supervisor\s+active\s+set/);
    expect((await admin('staff', 'list', m.code)).stdout).not.toContain(secret);
  });

  it('is reset centrally: the devices are sent no second factor, and it can be set up anew with a new secret', async () => {
    const before = (await sentToDevices('kanri2')).totp?.secret;
    const reset = await admin('staff', 'totp-reset', m.code, 'kanri2');
    expect(reset).toMatchObject({ code: 0, stdout: expect.stringContaining('removed') });
    expect((await sentToDevices('kanri2')).totp).toBeNull();
    expect((await admin('staff', 'list', m.code)).stdout).toMatch(/kanri2\s+管理 二郎\s+supervisor\s+active\s+NOT SET/);
    const anew = await admin('staff', 'totp', m.code, 'kanri2');
    expect(anew.code).toBe(0);
    expect((await sentToDevices('kanri2')).totp?.secret).not.toBe(before);
  });

  it('is for supervisors only, and a password change keeps it', async () => {
    const nurse = await admin('staff', 'totp', m.code, 'kango');
    expect(nurse).toMatchObject({ code: 1, stderr: expect.stringContaining('NOT_A_SUPERVISOR') });
    expect((await admin('staff', 'totp', m.code, 'nobody')).stderr).toContain('UNKNOWN_STAFF');
    const held = (await sentToDevices('kanri2')).totp;
    await runAdminCommand({ db, clock, fingerprint: null }, ['staff', 'password', m.code, 'kanri2', '--password-stdin'], 'kanri2-new-pass\n');
    expect((await sentToDevices('kanri2')).totp).toEqual(held);
  });
});
