import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVenueApp } from '../../src/app/venue-app';
import { ManualClock, venueDate } from '../../src/common/time';
import { openOutboxCount } from '../../src/sync/outbox';
import { issueEnrollmentCode } from '../../server/enrollment';
import { storeRecords } from '../../server/records';
import type { DeviceRow } from '../../server/device-row';
import { DEMO_STAFF } from '../fixtures/demo';
import { secondFactorCode } from '../support/second-factor';
import { Desk, DEMO_NOW } from '../support/venue';
import { DEMO_TICKETS as T, doseRecord, enrollDirect, freshCentralDb, seedMunicipality, serveCentral, type FreshCentral, type ServedCentral } from '../sync/support/central';
import { TEST_TUNING, until } from '../sync/support/devices';
import { fillDisk } from '../support/disk';

/**
 * Sync through a full disk (a real 8 MiB tmpfs): while nothing can be
 * written, another desk's dose cannot be applied and the device's own
 * bookkeeping cannot be kept; once space is freed, sync picks up again by
 * itself, both ways. Mounting needs root (CI runs as root).
 */
const isRoot = process.getuid?.() === 0;
let mount: string | null = null;
let central: FreshCentral;
let served: ServedCentral;

beforeAll(async () => {
  central = await freshCentralDb();
  served = await serveCentral(central.db);
  if (!isRoot) return;
  mount = mkdtempSync(join(tmpdir(), 'venue-tmpfs-sync-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', mount]);
});

afterAll(async () => {
  await served.close();
  await central.drop();
  if (!mount) return;
  execFileSync('umount', [mount]);
  rmSync(mount, { recursive: true, force: true });
});

describe('sync and a full disk', () => {
  it('carries on by itself, both ways, once space is freed', { timeout: 120_000 }, async (context) => {
    if (!mount) {
      console.warn('SKIPPED: the full-disk sync test mounts a tmpfs, which needs root (CI runs it as root).');
      context.skip();
      return;
    }
    const today = venueDate(new Date(DEMO_NOW));
    const m = await seedMunicipality(central.db, { today });
    const errors: unknown[] = [];
    const app = startVenueApp({
      dataDir: join(mount, 'venue'),
      key: randomBytes(32),
      auditKey: randomBytes(32),
      clock: new ManualClock(DEMO_NOW),
      backupCheckMs: null,
      diskCheckMs: null,
      disk: { lowBytes: 1024 * 1024, reserveBytes: 256 * 1024 },
      syncTuning: { ...TEST_TUNING, longPollSeconds: 1 },
      onError: (_where, error) => errors.push(error),
    });
    try {
      const anonymous = new Desk(app.connect());
      const { code } = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId: 'N1' }, new Date());
      anonymous.ok('requestEnrollment', { serverUrl: served.url, code });
      await until(() => anonymous.ok('enrollmentStatus', {}).state === 'enrolled' && !anonymous.ok('enrollmentStatus', {}).download.active, 30_000, 'enrollment');
      const db = () => app.runtime.database ?? (() => { throw new Error('closed'); })();
      await until(() => openOutboxCount(db()) === 0, 10_000, 'the first audit head to go');

      const filler = fillDisk(mount);
      // Another desk's dose arrives while nothing can be written here.
      const other = await enrollDirect(central.db, m.venue, 'R1');
      const [row] = await central.db.query<DeviceRow>(`SELECT id, municipality, venue_id, desk_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE id = $1`, [other.deviceId]);
      if (!row) throw new Error('no device');
      const arriving = doseRecord(m, T.okSecond, { doseNumber: 2, deskId: 'R1' });
      await storeRecords(central.db, row, [arriving], new Date());
      const has = (id: string) => !!db().prepare(`SELECT 1 FROM dose_records WHERE id = ?`).get(id);
      // It either could not be written (the sync service said so) or found the log's own room.
      await until(() => errors.some((e) => String(e).includes('disk is full')) || has(arriving.data.id), 15_000, 'the device to try to apply it');
      const whileFull = has(arriving.data.id);

      rmSync(filler);
      app.checkDisk();
      await until(() => has(arriving.data.id), 15_000, 'the other desk’s dose to arrive once space is freed');
      console.log(`full disk and sync: another desk's dose ${whileFull ? 'fitted in the log while the disk was full' : 'could not be written while the disk was full'}; applied once space was freed; sync errors meanwhile: ${errors.length}`);
      const supervisor = new Desk(app.connect());
      supervisor.ok('signIn', { login: DEMO_STAFF.supervisor.login, password: DEMO_STAFF.supervisor.password, code: secondFactorCode(db(), DEMO_STAFF.supervisor.login, Date.parse(DEMO_NOW)) });
      const lot = supervisor.ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'FA1234', expiry: '2027-06-30' });
      await until(() => openOutboxCount(db()) === 0, 15_000, 'a record made once space is freed to be sent');
      const [stored] = await central.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM lots WHERE id = $1`, [lot.id]);
      expect(stored?.n).toBe(1);
    } finally {
      await app.close();
    }
  });
});
