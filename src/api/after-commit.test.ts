import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { syntheticRosterCsv } from '../../test/fixtures/roster';
import { DEMO_MUNICIPALITY, DEMO_VENUE } from '../../test/fixtures/demo';
import { secondFactorCode } from '../../test/support/second-factor';
import { useTempDir } from '../../test/support/temp';
import { DEMO_NOW, Desk, seedDemoVenue } from '../../test/support/venue';
import { verifyAuditLog } from '../audit/log';
import { ManualClock, venueDate } from '../common/time';
import { listBackups } from '../store/backup';
import { VenueRuntime } from './runtime';


/**
 * A roster import and a backup commit their own work before the dispatcher
 * writes their audit entry (they cannot run inside its transaction). When
 * that entry cannot be written, the work is done all the same: the answer
 * must say so, not "nothing was saved", and the entry must reach the log
 * once it can, with the chain whole.
 *
 * The failure is SQLite's own: a temporary trigger on this connection makes
 * the audit insert fail, as a full disk or an I/O error would.
 */
const newDir = useTempDir('venue-after-commit-');

function start() {
  const clock = new ManualClock(DEMO_NOW);
  const internal: string[] = [];
  const runtime = VenueRuntime.start({
    dataDir: newDir(),
    key: randomBytes(32),
    auditKey: randomBytes(32),
    clock,
    afterOpen: (db) => {
      if ((db.prepare('SELECT count(*) AS n FROM staff').get() as { n: number }).n === 0) seedDemoVenue(db, clock.now());
    },
    onInternalError: (operation) => internal.push(operation),
  });
  const db = runtime.database;
  if (!db) throw new Error('not open');
  const supervisor = new Desk(runtime.connect());
  supervisor.ok('signIn', { login: 'kanri', password: 'kanri-pass-1', code: secondFactorCode(db, 'kanri', clock.now().getTime()) });
  const failAudit = (action: string) =>
    db.exec(`CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON main.audit_log WHEN NEW.action = '${action}' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
  const healAudit = () => db.exec('DROP TRIGGER temp.fail_audit');
  return { runtime, supervisor, db, clock, internal, failAudit, healAudit };
}

const logged = (db: NonNullable<VenueRuntime['database']>, action: string) =>
  (db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = ? AND outcome = 'ok'`).get(action) as { n: number }).n;

describe('work committed outside the dispatcher’s transaction', () => {
  it('a roster import whose audit entry fails is reported as done, and its entry is written once it can be', () => {
    const { runtime, supervisor, db, failAudit, healAudit } = start();
    const csv = [...syntheticRosterCsv({ count: 50, municipality: DEMO_MUNICIPALITY, venue: DEMO_VENUE.id, date: venueDate(new Date(DEMO_NOW)), product: 'PFZ-COMIRNATY', firstTicket: 9_100_000_000 })].join('');
    failAudit('importRoster');
    const reply = supervisor.call('importRoster', { csvBase64: Buffer.from(csv).toString('base64') });
    // The people are there, so the answer must say so.
    expect((db.prepare(`SELECT count(*) AS n FROM tickets WHERE number LIKE '91%'`).get() as { n: number }).n).toBe(50);
    expect(reply).toMatchObject({ ok: true, value: { rows: 50 } });
    expect(logged(db, 'importRoster')).toBe(0);
    healAudit();
    supervisor.ok('whoAmI', {});
    expect(logged(db, 'importRoster')).toBe(1);
    expect(verifyAuditLog(db)).toMatchObject({ ok: true, problems: [] });
    runtime.close();
  });

  it('a backup whose audit entry fails is reported as done and counted as today’s, and its entry follows', () => {
    const { runtime, supervisor, db, failAudit, healAudit } = start();
    failAudit('backupNow');
    const reply = supervisor.call('backupNow', {});
    const kept = listBackups(runtime.backupDir);
    expect(kept).toHaveLength(1);
    expect(reply).toMatchObject({ ok: true, value: { id: kept[0]?.id } });
    expect(runtime.backupIfDue()).toBeNull();
    healAudit();
    supervisor.ok('listBackups', {});
    expect(logged(db, 'backupNow')).toBe(1);
    expect(verifyAuditLog(db).ok).toBe(true);
    runtime.close();
  });
});
