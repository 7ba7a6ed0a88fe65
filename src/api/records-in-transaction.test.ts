import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_STAFF, DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { secondFactorCode } from '../../test/support/second-factor';
import { useTestVenue } from '../../test/support/venue';
import { Connection } from './connection';
import { operations } from './contract';
import { Dispatcher } from './dispatcher';
import { defineOperation, refuse } from './operation';

/**
 * The domain hands the records it makes to the call's RecordSink; the
 * dispatcher writes them to the outbox inside the call's transaction. So a
 * row and its outbox entry commit together or not at all, whatever fails
 * after the domain function returned: a later step of the handler, the
 * outbox insert itself, or the audit entry written last.
 */
const newVenue = useTestVenue();

const checkIn = operations.checkIn;

/** The contract's checkIn, and then a step that fails (as a later write or check in a handler could). */
const checkInThenFail = defineOperation({
  ...checkIn,
  handler(input, context) {
    checkIn.handler(input, context);
    throw new Error('the step after the check-in failed');
  },
});

/** The contract's checkIn, then a refusal that keeps what was written (as a failed sign-in keeps its count). */
const checkInThenCommittedRefusal = defineOperation({
  ...checkIn,
  handler(input, context) {
    checkIn.handler(input, context);
    refuse('KEPT', { ja: '保存して断る', en: 'kept and refused' }, { commit: true });
  },
});

function start() {
  const venue = newVenue();
  const internal: string[] = [];
  const dispatcher = new Dispatcher({
    db: venue.db,
    operations: { ...operations, checkInThenFail, checkInThenCommittedRefusal },
    clock: venue.clock,
    onInternalError: (operation) => internal.push(operation),
  });
  const desk = new Connection(dispatcher);
  const staff = DEMO_STAFF.reception;
  const code = secondFactorCode(venue.db, staff.login, venue.clock.now().getTime());
  expect(desk.call('signIn', { login: staff.login, password: staff.password, ...(code ? { code } : {}) })).toMatchObject({ ok: true });
  const count = (sql: string) => (venue.db.prepare(sql).get() as { n: number }).n;
  return {
    venue,
    desk,
    internal,
    checkins: () => count(`SELECT count(*) AS n FROM checkins`),
    queued: () => count(`SELECT count(*) AS n FROM sync_outbox WHERE kind = 'checkin'`),
    audited: (action: string) => count(`SELECT count(*) AS n FROM audit_log WHERE action = '${action}'`),
  };
}

describe('the records a call makes are queued in its transaction', () => {
  it('a check-in commits with exactly its outbox entry, whose body is the row', () => {
    const { venue, desk, checkins, queued } = start();
    const reply = desk.call('checkIn', { municipality: M, number: T.ok });
    expect(reply).toMatchObject({ ok: true, value: { checkedIn: true } });
    expect([checkins(), queued()]).toEqual([1, 1]);
    const row = venue.db.prepare(`SELECT id, ticket_number AS ticketNumber FROM checkins`).get() as { id: string; ticketNumber: string };
    const entry = venue.db.prepare(`SELECT record_id AS recordId, body FROM sync_outbox WHERE kind = 'checkin'`).get() as { recordId: string; body: string };
    expect(entry.recordId).toBe(row.id);
    expect(JSON.parse(entry.body)).toMatchObject({ id: row.id, ticketNumber: row.ticketNumber });
  });

  it('a handler whose later step throws leaves neither the check-in nor its outbox entry', () => {
    const { desk, internal, checkins, queued } = start();
    const reply = desk.call('checkInThenFail', { municipality: M, number: T.ok });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(internal).toEqual(['checkInThenFail']);
    expect([checkins(), queued()]).toEqual([0, 0]);
  });

  it('when the outbox cannot take the record, the check-in is not kept either', () => {
    const { venue, desk, checkins, queued } = start();
    venue.db.exec(`CREATE TEMP TRIGGER fail_outbox BEFORE INSERT ON main.sync_outbox BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    expect(desk.call('checkIn', { municipality: M, number: T.ok })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect([checkins(), queued()]).toEqual([0, 0]);
    venue.db.exec('DROP TRIGGER temp.fail_outbox');
    // Nothing half-written stands in the way: the same check-in goes through once the outbox takes it.
    expect(desk.call('checkIn', { municipality: M, number: T.ok })).toMatchObject({ ok: true, value: { checkedIn: true } });
    expect([checkins(), queued()]).toEqual([1, 1]);
  });

  it('when the audit entry (written last) fails, neither the check-in nor its outbox entry is kept', () => {
    const { venue, desk, checkins, queued, audited } = start();
    venue.db.exec(`CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON main.audit_log WHEN NEW.action = 'checkIn' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    expect(desk.call('checkIn', { municipality: M, number: T.ok })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect([checkins(), queued(), audited('checkIn')]).toEqual([0, 0, 0]);
  });

  it('a refusal that keeps what the handler wrote keeps its records too', () => {
    const { desk, checkins, queued, audited } = start();
    expect(desk.call('checkInThenCommittedRefusal', { municipality: M, number: T.ok })).toMatchObject({ ok: false, error: { code: 'KEPT' } });
    expect([checkins(), queued(), audited('checkInThenCommittedRefusal')]).toEqual([1, 1, 1]);
  });
});
