import { describe, expect, it } from 'vitest';
import { readAuditHead, verifyAuditLog } from '../../src/audit/log';
import { systemClock, venueDate } from '../../src/common/time';
import { readSyncIdentity } from '../../src/sync/state';
import { runAdminCommand } from '../../server/cli/commands';
import { issueEnrollmentCode } from '../../server/enrollment';
import { ticketLine } from '../fixtures/demo';
import { DEMO_NOW } from '../support/venue';
import { DEMO_TICKETS as T, seedMunicipality, type SeededMunicipality, useServedCentral } from './support/central';
import { until, useDevices, type TestDevice } from './support/devices';

/**
 * The device's audit chain against the heads the central service holds of
 * it: cutting off the newest entries on the device and putting back a head
 * saved earlier (which the audit key cannot tell from the real one) is found
 * at the next sync, on the device and centrally. A real central service on
 * loopback (PGlite, or PostgreSQL with VENUE_TEST_DATABASE_URL), real devices.
 */
const today = venueDate(new Date(DEMO_NOW));
const serverLog: string[] = [];
const newDevice = useDevices();

const central = useServedCentral({ log: (line) => serverLog.push(line) });

async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await until(check, timeoutMs, what, 20);
}

async function enrolled(m: SeededMunicipality, deskId: string): Promise<{ device: TestDevice; deviceId: string }> {
  const device = newDevice({ name: deskId, tuning: { auditHeadIntervalMs: 50 } });
  const { code } = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId }, new Date());
  await device.enroll(central.served.url, code);
  const deviceId = readSyncIdentity(device.db)?.deviceId;
  if (!deviceId) throw new Error('not enrolled');
  return { device, deviceId };
}

async function centralHeadSeq(deviceId: string): Promise<number> {
  const [row] = await central.db.query<{ seq: number | null }>(`SELECT max(seq)::int AS seq FROM audit_heads WHERE device_id = $1`, [deviceId]);
  return row?.seq ?? 0;
}

/** Waits until the central service holds the device's current head. */
async function synced(device: TestDevice, deviceId: string): Promise<number> {
  device.nudge();
  await eventually(async () => (await centralHeadSeq(deviceId)) === readAuditHead(device.db).seq, 'the central service to hold the device’s head');
  return readAuditHead(device.db).seq;
}

function savedHead(device: TestDevice): string {
  return (device.db.prepare(`SELECT value FROM settings WHERE key = 'audit_head'`).get() as { value: string }).value;
}

/**
 * What someone with the database (not the audit key) does: removes every
 * entry after the saved head and puts the saved head back. Each remaining
 * entry and the head are genuine, so the device alone cannot tell.
 */
function cutBackTo(device: TestDevice, head: string): void {
  const { seq } = JSON.parse(head) as { seq: number };
  device.db.exec('DROP TRIGGER audit_log_no_delete');
  device.db.prepare(`DELETE FROM audit_log WHERE seq > ?`).run(seq);
  device.db.prepare(`UPDATE settings SET value = ? WHERE key = 'audit_head'`).run(head);
}

interface Mismatch {
  kind: string;
  centralSeq: number;
  localSeq: number;
}

function localMismatches(device: TestDevice): Mismatch[] {
  return (device.db.prepare(`SELECT outcome, detail FROM audit_log WHERE action = 'auditCentralMismatch' ORDER BY seq`).all() as { outcome: string; detail: string }[]).map(
    (row) => {
      const detail = JSON.parse(row.detail) as { centralSeq: number; localSeq: number };
      return { kind: row.outcome, centralSeq: detail.centralSeq, localSeq: detail.localSeq };
    },
  );
}

async function centralMismatches(deviceId: string): Promise<{ kind: string; held_seq: number; sent_seq: number }[]> {
  return central.db.query(`SELECT kind, held_seq::int AS held_seq, sent_seq::int AS sent_seq FROM audit_head_mismatches WHERE device_id = $1 ORDER BY detected_at, id`, [deviceId]);
}

async function admin(...argv: string[]): Promise<string> {
  const result = await runAdminCommand({ db: central.db, clock: systemClock, fingerprint: null }, argv, '');
  expect(result.code, result.stderr.toString()).toBe(0);
  return result.stdout.toString();
}

describe('the audit chain against the central service', () => {
  it('finds the newest entries cut off and a saved head put back, on the device and centrally', async () => {
    const m = await seedMunicipality(central.db, { today });
    const { device, deviceId } = await enrolled(m, 'R1');
    device.signIn('reception').ok('checkIn', { municipality: m.code, number: T.ok });
    const keptSeq = await synced(device, deviceId);
    const kept = savedHead(device);
    const reception = device.signIn('reception');
    reception.ok('checkIn', { municipality: m.code, number: T.okSecond });
    const centralSeq = await synced(device, deviceId);
    expect(centralSeq).toBeGreaterThan(keptSeq);
    expect(localMismatches(device)).toEqual([]);

    await device.stop();
    cutBackTo(device, kept);
    // The device alone sees nothing wrong: every entry and the head are the app's own.
    expect(verifyAuditLog(device.db)).toMatchObject({ ok: true, keyed: true });
    device.start();

    await eventually(() => localMismatches(device).length > 0, 'the device to notice');
    expect(localMismatches(device)).toEqual([{ kind: 'CUT', centralSeq, localSeq: keptSeq }]);
    await eventually(async () => (await centralMismatches(deviceId)).length > 0, 'the central service to record it');
    expect(await centralMismatches(deviceId)).toEqual([{ kind: 'cut', held_seq: centralSeq, sent_seq: keptSeq }]);
    expect(serverLog.some((line) => line.includes(deviceId) && line.includes('audit chain') && line.includes('cut'))).toBe(true);
    expect(await admin('device', 'list', '--venue', m.venue)).toMatch(new RegExp(`${deviceId}.*MISMATCH`));
    expect(await admin('device', 'audit', deviceId)).toContain(`cut`);

    // The audit screen says so, in both languages' words through the operation.
    const chain = device.signIn('supervisor').ok('auditLog', {});
    expect(chain.central).toMatchObject({ mismatches: [{ kind: 'cut', centralSeq, localSeq: keptSeq }] });
  });

  it('finds a cut the device has written past since (the entry at the central seq differs)', async () => {
    const m = await seedMunicipality(central.db, { today });
    const { device, deviceId } = await enrolled(m, 'R2');
    device.signIn('reception').ok('checkIn', { municipality: m.code, number: T.ok });
    await synced(device, deviceId);
    const kept = savedHead(device);
    device.signIn('reception').ok('checkIn', { municipality: m.code, number: T.okSecond });
    const centralSeq = await synced(device, deviceId);

    await device.stop();
    cutBackTo(device, kept);
    // Offline, the desk goes on working: the chain grows past where the central copy ends.
    const reception = device.signIn('reception');
    while (readAuditHead(device.db).seq <= centralSeq + 2) reception.ok('scanTicket', { code: ticketLine(T.okNw7, 1, m.code) });
    expect(verifyAuditLog(device.db).ok).toBe(true);
    device.start();

    await eventually(() => localMismatches(device).length > 0, 'the device to notice');
    expect(localMismatches(device)[0]).toMatchObject({ kind: 'REWRITTEN', centralSeq });
    await eventually(async () => (await centralMismatches(deviceId)).length > 0, 'the central service to record it');
    expect(await centralMismatches(deviceId)).toEqual([{ kind: 'rewritten', held_seq: centralSeq, sent_seq: centralSeq }]);
  });

  it('finds nothing wrong with a device that syncs, stops and starts again as usual', async () => {
    const m = await seedMunicipality(central.db, { today });
    const { device, deviceId } = await enrolled(m, 'N1');
    for (let round = 0; round < 3; round++) {
      const reception = device.signIn('reception');
      reception.ok('scanTicket', { code: ticketLine(T.ok, 1, m.code) });
      await synced(device, deviceId);
      await device.stop();
      device.signIn('nurse').ok('vaccinationQueue', {});
      device.start();
    }
    await synced(device, deviceId);
    expect(localMismatches(device)).toEqual([]);
    expect(await centralMismatches(deviceId)).toEqual([]);
    expect(device.signIn('supervisor').ok('auditLog', {}).central).toMatchObject({ ok: true, mismatches: [] });
    expect(await admin('device', 'audit', deviceId)).not.toMatch(/cut|rewritten/);
  });
});
