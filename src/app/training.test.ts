import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_STAFF, DEMO_TICKETS as T, DEMO_TOTP_SECRET, ticketLine } from '../../test/fixtures/demo';
import { useTempDir } from '../../test/support/temp';
import { DEMO_NOW, Desk } from '../../test/support/venue';
import { DATABASE_FILE } from '../api/runtime';
import { useAuditKey } from '../audit/log';
import { ManualClock } from '../common/time';
import { totpCodeForStep, totpStep } from '../staff/second-factor';
import { openVenueDatabase } from '../store/database';
import { seedDemoVenue } from '../training/demo-venue';
import { PRACTICE_TICKETS } from '../training/practice-tickets';
import { trainingDir } from '../training/training-files';
import { startVenueApp, type VenueApp } from './venue-app';

/**
 * Training mode through the composition root, as both transports run it:
 * a supervisor switches in, the real database is closed and stays byte for
 * byte as it was while trainees record on a database of their own; nothing
 * syncs, exports or is backed up; only a real supervisor switches back, and
 * the training database goes with it.
 */
const newDir = useTempDir('venue-training-');
const { login, password } = DEMO_STAFF.supervisor;

function realDevice() {
  const dataDir = newDir();
  const key = randomBytes(32);
  const auditKey = randomBytes(32);
  const clock = new ManualClock(DEMO_NOW);
  const db = openVenueDatabase({ path: join(dataDir, DATABASE_FILE), key });
  useAuditKey(db, auditKey);
  seedDemoVenue(db, clock.now());
  db.close();
  const start = () => startVenueApp({ dataDir, key, auditKey, clock, backupCheckMs: null, diskCheckMs: null });
  return { dataDir, clock, start };
}

let step = 0;
/** The demo supervisor's app: a fresh step each time (replays are refused), within the drift window of the clock. */
function code(clock: ManualClock): string {
  clock.advance(30_000);
  step = totpStep(clock.now().getTime());
  return totpCodeForStep(DEMO_TOTP_SECRET, step);
}

const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function supervisor(app: VenueApp, clock: ManualClock): Desk {
  const desk = new Desk(app.connect());
  desk.ok('signIn', { login, password, code: code(clock) });
  return desk;
}

describe('training mode', () => {
  it('runs on its own database while the real one stays byte for byte; only a real supervisor leaves it', () => {
    const device = realDevice();
    const app = device.start();
    const boss = supervisor(app, device.clock);
    const realCheckins = () => boss.ok('todayCounts', {}).checkedIn;
    expect(realCheckins()).toBe(0);
    const backupsBefore = readdirSync(join(device.dataDir, 'backups')).length;

    // A reception desk is signed in too: the switch signs every page out.
    const reception = new Desk(app.connect());
    reception.ok('signIn', { login: DEMO_STAFF.reception.login, password: DEMO_STAFF.reception.password });
    expect(boss.ok('startTraining', { people: 40 })).toEqual({ training: true, people: 40 });
    expect(app.training).toBe(true);
    reception.refused('whoAmI', {}, 'NOT_SIGNED_IN');
    const realPath = join(device.dataDir, DATABASE_FILE);
    expect(existsSync(`${realPath}-wal`)).toBe(false);
    const before = fileHash(realPath);

    // Trainees sign in with the practice sign-ins (the demo's), and every verdict is there to practise.
    const trainee = new Desk(app.connect());
    expect(trainee.ok('deviceStatus', {}).training).toBe(true);
    trainee.ok('signIn', { login: DEMO_STAFF.reception.login, password: DEMO_STAFF.reception.password });
    for (const ticket of PRACTICE_TICKETS) {
      const scanned = trainee.ok('scanTicket', { code: ticketLine(ticket.number, ticket.dose, ticket.municipality) });
      // The day is open: the day-closed ticket admits until a supervisor closes it.
      expect(scanned.read === 'ticket' ? scanned.verdict.code : scanned.code, ticket.verdict).toBe(ticket.verdict === 'DAY_CLOSED' ? 'OK' : ticket.verdict);
    }
    trainee.ok('checkIn', { municipality: M, number: T.ok });
    // A generated person of the roster of any size.
    expect(trainee.ok('scanTicket', { code: ticketLine('2000000039') })).toMatchObject({ read: 'ticket', verdict: { code: 'OK' } });
    expect(trainee.ok('trainingSheet', {}).tickets).toBe(PRACTICE_TICKETS.length);

    // What must never happen in training.
    const practice = supervisor(app, device.clock);
    practice.refused('exportDoses', { date: '2026-11-23', encoding: 'utf-8' }, 'TRAINING_MODE');
    practice.refused('backupNow', {}, 'TRAINING_MODE');
    new Desk(app.connect()).refused('requestEnrollment', { serverUrl: 'http://127.0.0.1:9', code: 'ABCDE-FGHJK' }, 'TRAINING_MODE');
    app.backupIfDue();
    app.sync.start();
    expect(app.sync.running).toBe(false);
    expect(readdirSync(join(device.dataDir, 'backups'))).toHaveLength(backupsBefore);
    expect(existsSync(join(trainingDir(device.dataDir), 'backups')) ? readdirSync(join(trainingDir(device.dataDir), 'backups')) : []).toEqual([]);

    // A restart goes on in training (leaving it needs a supervisor, not a restart).
    return app.close().then(() => {
      const again = device.start();
      expect(again.training).toBe(true);
      expect(fileHash(realPath)).toBe(before);
      const desk = new Desk(again.connect());
      // The practice supervisor's sign-in (published) cannot end training, nor can a real receptionist.
      desk.refused('leaveTraining', { login: DEMO_STAFF.reception.login, password: DEMO_STAFF.reception.password }, 'FORBIDDEN');
      desk.refused('leaveTraining', { login, password: 'not-the-password' }, 'WRONG_CREDENTIALS');
      expect(again.training).toBe(true);
      desk.ok('leaveTraining', { login, password, code: code(device.clock) });
      expect(again.training).toBe(false);
      expect(existsSync(trainingDir(device.dataDir))).toBe(false);
      expect(again.sync.running).toBe(true);
      // Nothing of the training reached the real records; its log says who switched in and out.
      const back = supervisor(again, device.clock);
      expect(back.ok('todayCounts', {}).checkedIn).toBe(0);
      expect(back.ok('deviceStatus', {}).training).toBe(false);
      const actions = back.ok('auditLog', { limit: 50 }).entries.map((e) => `${e.action}:${e.outcome}`);
      expect(actions).toEqual(expect.arrayContaining(['startTraining:ok', 'leaveTraining:ok', 'signIn:WRONG_CREDENTIALS']));
      return again.close();
    });
  });
});
