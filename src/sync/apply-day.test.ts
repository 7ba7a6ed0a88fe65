import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T, ticketLine } from '../../test/fixtures/demo';
import { useTestVenue, type Desk, type TestVenue } from '../../test/support/venue';
import { settleWalkIn } from '../checkin/walkin';
import { settleObservation } from '../day/observation';
import { MIGRATIONS } from '../store/migrations';
import { openVenueDatabase, type VenueDb } from '../store/database';
import { createFeedApplier } from './apply';
import { settleDayState } from './apply-day';
import { FEED_KINDS, type FeedChange, type FeedKind } from './protocol';

/**
 * The supervisor's-day records between two devices of one venue, without a
 * network: what one device queued is handed to the other's feed applier as
 * the central service would (kind, record id, the body as uploaded). Both
 * devices must end up with the same state, whatever order the records come in.
 */
const newVenue = useTestVenue();
let seq = 50_000;

interface Queued {
  readonly kind: FeedKind;
  readonly id: string;
  readonly data: unknown;
}

/** What a device queued for the central service that the feed would carry back to the venue (audit heads and resolutions are not). */
function queued(from: TestVenue, kinds?: readonly FeedKind[]): Queued[] {
  const rows = from.db.prepare(`SELECT record_id, kind, body FROM sync_outbox ORDER BY seq`).all() as { record_id: string; kind: string; body: string }[];
  return rows
    .filter((row): row is typeof row & { kind: FeedKind } => (FEED_KINDS as readonly string[]).includes(row.kind))
    .filter((row) => !kinds || kinds.includes(row.kind))
    .map((row) => ({ kind: row.kind, id: row.record_id, data: JSON.parse(row.body) as unknown }));
}

/** Applies records to a device as feed changes (one transaction, parked ones retried, as the sync service does). */
function deliver(to: TestVenue, records: readonly Queued[]): void {
  const applier = createFeedApplier(to.db, { municipality: M, venueId: 'V001', now: () => to.clock.now() });
  to.db.transaction(() => {
    for (const r of records) {
      seq += 1;
      const change: FeedChange = { seq, kind: r.kind, key: r.id, deleted: false, data: r.data };
      applier.apply(change);
    }
    applier.retryParked();
  })();
}

function relay(from: TestVenue, to: TestVenue, kinds?: readonly FeedKind[]): void {
  deliver(to, queued(from, kinds));
}

const rows = (db: VenueDb, sql: string) => JSON.stringify(db.prepare(sql).all());
const walkIns = (db: VenueDb) => rows(db, `SELECT id, status, product_id, decided_by, decided_at, reason, checkin_id FROM walk_in_requests ORDER BY id`);
const observations = (db: VenueDb) => rows(db, `SELECT dose_id, started_at, minutes, outcome, outcome_at, outcome_by, note FROM observations ORDER BY dose_id`);

function verdictOf(desk: Desk, number: string) {
  const scan = desk.ok('scanTicket', { code: ticketLine(number) });
  if (scan.read !== 'ticket') throw new Error('not a ticket');
  return scan.verdict;
}

/** Closes a day as the screen does: with the open counts the supervisor was shown. */
function closeDay(desk: Desk, input: { date?: string; note: string }) {
  const open = desk.ok('dayReport', { date: input.date, closing: true }).open;
  return desk.ok('closeDay', { ...input, confirmOpen: open });
}

/**
 * The central service's order, simulated: records are uploaded (each takes
 * the next seq, in upload order) and every device reads the whole feed after
 * its cursor, its own records included, as a real feed brings them back.
 */
function centralFeed() {
  const feed: (Queued & { seq: number })[] = [];
  const sent = new Set<string>();
  const cursors = new Map<TestVenue, number>();
  return {
    upload(from: TestVenue, kinds?: readonly FeedKind[]): void {
      for (const record of queued(from, kinds)) {
        if (sent.has(record.id)) continue;
        sent.add(record.id);
        seq += 1;
        feed.push({ ...record, seq });
      }
    },
    read(to: TestVenue): void {
      const after = cursors.get(to) ?? 0;
      const applier = createFeedApplier(to.db, { municipality: M, venueId: 'V001', now: () => to.clock.now() });
      to.db.transaction(() => {
        for (const r of feed.filter((c) => c.seq > after)) applier.apply({ seq: r.seq, kind: r.kind, key: r.id, deleted: false, data: r.data });
        applier.retryParked();
      })();
      cursors.set(to, feed[feed.length - 1]?.seq ?? after);
    },
  };
}

/** Two devices of the demo venue: reception at R1, the supervisor's device at R2. */
function twoDevices() {
  const a = newVenue();
  const b = newVenue();
  return { a, b, reception: a.signIn('reception', 'R1'), supervisor: b.signIn('supervisor', 'R2') };
}

describe('walk-ins across devices', () => {
  it('are asked at reception, decided on the supervisor’s device, and used at reception: the same on both', () => {
    const { a, b, reception, supervisor } = twoDevices();
    const request = reception.ok('requestWalkIn', { municipality: M, number: T.otherVenue });
    expect(supervisor.ok('listWalkIns', {})).toEqual([]);
    relay(a, b);
    expect(supervisor.ok('listWalkIns', {})).toMatchObject([{ id: request.id, status: 'pending', deskId: 'R1', person: { nameKanji: expect.any(String) } }]);

    supervisor.ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '予約会場が遠いため' });
    expect(verdictOf(reception, T.otherVenue)).toMatchObject({ code: 'WRONG_VENUE', walkIn: { status: 'pending' } });
    relay(b, a);
    expect(verdictOf(reception, T.otherVenue)).toMatchObject({ code: 'OK', admit: true, walkIn: { status: 'approved' } });

    const checkin = reception.ok('checkIn', { municipality: M, number: T.otherVenue });
    if (!checkin.checkedIn) throw new Error('not checked in');
    const supervisorId = supervisor.ok('whoAmI', {}).staff.id;
    expect(a.db.prepare(`SELECT walk_in_approved_by, walk_in_id FROM checkins WHERE id = ?`).get(checkin.checkinId)).toEqual({ walk_in_approved_by: supervisorId, walk_in_id: request.id });
    relay(a, b);
    expect(supervisor.ok('listWalkIns', {})).toMatchObject([{ id: request.id, status: 'used', decidedBy: supervisorId }]);
    expect(walkIns(b.db)).toBe(walkIns(a.db));
    expect(b.db.prepare(`SELECT walk_in_approved_by FROM checkins WHERE id = ?`).get(checkin.checkinId)).toEqual({ walk_in_approved_by: supervisorId });
    // The supervisor's device never queues what it received.
    expect(queued(b).map((q) => q.kind).filter((k) => k !== 'lot')).toEqual(['walkin_decision']);
  });

  it('decided twice while apart: the earlier decision stands on both devices, the later one is kept', () => {
    const { a, b, reception, supervisor } = twoDevices();
    const request = reception.ok('requestWalkIn', { municipality: M, number: T.otherVenue });
    relay(a, b);
    // The supervisor at reception's device declines first; the one on their own device approves a minute later, not knowing.
    a.signIn('supervisor', 'R1').ok('decideWalkIn', { requestId: request.id, approve: false, reason: '予約会場へご案内' });
    b.clock.advance(60_000);
    supervisor.ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '本日は空きあり' });
    relay(a, b, ['walkin_decision']);
    relay(b, a, ['walkin_decision']);
    expect(walkIns(a.db)).toBe(walkIns(b.db));
    expect(supervisor.ok('listWalkIns', {})[0]).toMatchObject({ status: 'declined', reason: '予約会場へご案内' });
    for (const device of [a, b]) expect(device.db.prepare(`SELECT outcome FROM walk_in_decisions ORDER BY decided_at`).all()).toEqual([{ outcome: 'declined' }, { outcome: 'approved' }]);
  });

  it('end up the same whatever order the request, the decision and the check-in arrive in', () => {
    const { a, b, reception, supervisor } = twoDevices();
    const request = reception.ok('requestWalkIn', { municipality: M, number: T.otherVenue });
    relay(a, b);
    supervisor.ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '予約会場が遠いため' });
    relay(b, a);
    reception.ok('checkIn', { municipality: M, number: T.otherVenue });
    // A third device of the venue gets everything backwards: the check-in, the decision, then the request.
    const c = newVenue();
    const all = [...queued(a, ['walkin_request', 'checkin']), ...queued(b, ['walkin_decision'])].reverse();
    deliver(c, all);
    expect(walkIns(c.db)).toBe(walkIns(a.db));
    expect(JSON.parse(walkIns(c.db))).toMatchObject([{ status: 'used' }]);
    deliver(c, all);
    expect(walkIns(c.db)).toBe(walkIns(a.db));
  });
});

describe('observation across devices', () => {
  it('a dose from the nurse’s device starts its observation on the board device, and the release there shows back', () => {
    const a = newVenue();
    const b = newVenue();
    const nurse = a.signIn('nurse', 'N1');
    const board = b.signIn('nurse', 'R2');
    const lot = a.signIn('supervisor', 'N1').ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'OB0001', expiry: '2027-06-30' });
    const dose = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    relay(a, b);
    expect(board.ok('observationBoard', {})).toMatchObject([{ doseId: dose.id, deskId: 'N1', minutes: 15 }]);
    expect(observations(b.db)).toBe(observations(a.db));

    board.refused('endObservation', { doseId: dose.id, outcome: 'released' }, 'NOT_YET');
    b.clock.advance(15 * 60_000);
    const observer = b.signIn('nurse', 'R2');
    observer.ok('endObservation', { doseId: dose.id, outcome: 'released' });
    relay(b, a);
    expect(nurse.ok('observationBoard', {})).toEqual([]);
    expect(observations(a.db)).toBe(observations(b.db));
    expect(JSON.parse(observations(a.db))).toMatchObject([{ outcome: 'released', outcome_by: observer.ok('whoAmI', {}).staff.id }]);
  });

  it('ended on two devices while apart: a referral stands over a release, on both', () => {
    const a = newVenue();
    const b = newVenue();
    const lot = a.signIn('supervisor', 'N1').ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'OB0002', expiry: '2027-06-30' });
    const dose = a.signIn('nurse', 'N1').ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    relay(a, b);
    b.signIn('nurse', 'R2').ok('endObservation', { doseId: dose.id, outcome: 'referred', note: 'ふらつきあり' });
    a.clock.advance(16 * 60_000);
    a.signIn('nurse', 'N1').ok('endObservation', { doseId: dose.id, outcome: 'released' });
    relay(a, b, ['observation_outcome']);
    relay(b, a, ['observation_outcome']);
    expect(observations(a.db)).toBe(observations(b.db));
    expect(JSON.parse(observations(a.db))).toMatchObject([{ outcome: 'referred', note: 'ふらつきあり' }]);
  });
});

describe('the day across devices', () => {
  it('closed on the supervisor’s device refuses check-ins on the other; two closes agree on the earliest', () => {
    const { a, b, reception, supervisor } = twoDevices();
    const close = closeDay(supervisor, { date: '2026-11-22', note: '前日分の締め' });
    expect(close.date).toBe('2026-11-22');
    relay(b, a);
    expect(a.db.prepare(`SELECT id FROM day_closes WHERE venue_date = '2026-11-22'`).get()).toEqual({ id: close.id });

    const today = b.signIn('supervisor', 'R2');
    a.clock.advance(60_000);
    const first = closeDay(a.signIn('supervisor', 'R1'), { note: '受付側で締め' });
    b.clock.advance(120_000);
    closeDay(today, { note: '管理側で締め' });
    relay(a, b, ['day_close']);
    relay(b, a, ['day_close']);
    for (const device of [a, b]) expect(device.db.prepare(`SELECT id, note FROM day_closes WHERE venue_date = ?`).get(device.today)).toEqual({ id: first.id, note: '受付側で締め' });
    expect(reception.call('checkIn', { municipality: M, number: T.ok })).toMatchObject({ ok: false, error: { code: 'DAY_CLOSED' } });
  });

  it('a reopen travels like the close, and both orders of arrival end the same: the day open again everywhere', () => {
    const { a, b, reception, supervisor } = twoDevices();
    const close = closeDay(supervisor, { note: '本日分の締め' });
    relay(b, a, ['day_close']);
    expect(reception.call('checkIn', { municipality: M, number: T.ok })).toMatchObject({ ok: false, error: { code: 'DAY_CLOSED' } });
    const reopen = supervisor.ok('reopenDay', { reason: '待機中の方の接種を記録するため' });
    expect(reopen.closeId).toBe(close.id);
    relay(b, a, ['day_reopen']);
    expect(reception.ok('checkIn', { municipality: M, number: T.ok }).checkedIn).toBe(true);
    // A third device gets the reopen before the close it undoes (after a central restore, say): the day is open there too.
    const c = newVenue();
    deliver(c, queued(b, ['day_reopen']));
    deliver(c, queued(b, ['day_close']));
    for (const device of [a, b, c]) expect(device.db.prepare(`SELECT count(*) AS n FROM day_closes`).get()).toEqual({ n: 0 });
    expect(c.db.prepare(`SELECT count(*) AS n FROM day_close_log`).get()).toEqual({ n: 1 });
    // Closed again later: a new close, which no reopen names.
    const again = closeDay(supervisor, { note: '再度の締め' });
    relay(b, a, ['day_close']);
    expect(a.db.prepare(`SELECT id FROM day_closes`).get()).toEqual({ id: again.id });
  });

  it('explanations, desk lots and vials travel; the latest vials count wins on both; a desk lot waits for its lot', () => {
    const a = newVenue();
    const b = newVenue();
    const supervisorA = a.signIn('supervisor', 'N1');
    const lot = supervisorA.ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'DL0001', expiry: '2027-06-30' });
    a.signIn('nurse', 'N1').ok('setDeskLot', { lotId: lot.id });
    // The desk lot before its lot: it waits, then takes effect.
    relay(a, b, ['desk_lot']);
    const desks = b.signIn('supervisor', 'R2');
    expect(desks.ok('listDesks', {}).find((d) => d.id === 'N1')).toMatchObject({ activeLotId: null });
    expect(b.db.prepare(`SELECT count(*) AS n FROM sync_parked WHERE kind = 'desk_lot'`).get()).toEqual({ n: 1 });
    relay(a, b, ['lot']);
    expect(desks.ok('listDesks', {}).find((d) => d.id === 'N1')).toMatchObject({ activeLotId: lot.id, activeLotNumber: 'DL0001' });
    expect(b.db.prepare(`SELECT count(*) AS n FROM sync_parked`).get()).toEqual({ n: 0 });

    // "Latest" is the central service's order, never the desks' clocks: B's clock is ten minutes slow.
    b.clock.set(new Date(b.clock.now().getTime() - 10 * 60_000));
    const central = centralFeed();
    const vials = (device: TestVenue) => device.db.prepare(`SELECT vials FROM lot_vials WHERE lot_id = ?`).get(lot.id);
    supervisorA.ok('recordVialsOpened', { lotId: lot.id, vials: 3 });
    central.upload(a, ['lot_vials']);
    central.read(b);
    // B corrects the count after it saw A's: its record says an earlier time, and it is still the latest.
    b.signIn('nurse', 'R2').ok('recordVialsOpened', { lotId: lot.id, vials: 5 });
    central.upload(b, ['lot_vials']);
    for (const device of [a, b]) central.read(device);
    for (const device of [a, b]) expect(vials(device)).toEqual({ vials: 5 });
    // A count made at A and not yet sent is A's latest until the central service orders it; then everyone's.
    supervisorA.ok('recordVialsOpened', { lotId: lot.id, vials: 4 });
    expect([vials(a), vials(b)]).toEqual([{ vials: 4 }, { vials: 5 }]);
    central.upload(a, ['lot_vials']);
    for (const device of [b, a]) central.read(device);
    for (const device of [a, b]) expect(vials(device)).toEqual({ vials: 4 });
    // The same for a desk's lot and a desk's doctor: B's change after A's wins on both, though B's clock says earlier.
    const other = supervisorA.ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'DL0002', expiry: '2027-06-30' });
    central.upload(a);
    central.read(b);
    supervisorA.ok('setDeskLot', { deskId: 'N1', lotId: lot.id });
    supervisorA.ok('setDeskDoctor', { deskId: 'N1', doctor: '医師 一郎' });
    central.upload(a);
    central.read(b);
    const supervisorB = b.signIn('supervisor', 'R2');
    supervisorB.ok('setDeskLot', { deskId: 'N1', lotId: other.id });
    supervisorB.ok('setDeskDoctor', { deskId: 'N1', doctor: '医師 二郎' });
    central.upload(b);
    for (const device of [a, b]) central.read(device);
    for (const device of [a, b]) {
      expect(device.signIn('supervisor', 'R1').ok('listDesks', {}).find((d) => d.id === 'N1')).toMatchObject({ activeLotId: other.id, doctor: '医師 二郎' });
    }

    const dose = a.signIn('nurse', 'N1').ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    const key = `dose-no-checkin:${dose.id}`;
    supervisorA.ok('explainDiscrepancy', { key, note: '受付漏れ、本人確認済み' });
    relay(a, b);
    const report = b.signIn('supervisor', 'R2').ok('dayReport', {});
    expect(report.discrepancies.find((d) => d.key === key)?.explanation).toMatchObject({ note: '受付漏れ、本人確認済み' });
    // The dose was given with the desk's lot, as the history that came from the nurse's device says.
    expect(report.discrepancies.some((d) => d.kind === 'lot-outside-desk')).toBe(false);
  });

  it('derives its state again from the records after rows were copied in (a restore’s carry-over)', () => {
    const { a, b, reception, supervisor } = twoDevices();
    const request = reception.ok('requestWalkIn', { municipality: M, number: T.otherVenue });
    relay(a, b);
    supervisor.ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '予約会場が遠いため' });
    const lot = a.signIn('supervisor', 'N1').ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'RS0001', expiry: '2027-06-30' });
    a.signIn('nurse', 'N1').ok('setDeskLot', { lotId: lot.id });
    const expected = { walkIns: walkIns(b.db), desks: rows(a.db, `SELECT id, active_lot_id FROM desks ORDER BY id`) };
    // As a restore's INSERT OR IGNORE would leave them: the records are there, the derived columns are not.
    b.db.exec(`UPDATE walk_in_requests SET status = 'pending', decided_by = NULL, decided_at = NULL, product_id = NULL, reason = NULL`);
    a.db.exec(`UPDATE desks SET active_lot_id = NULL`);
    for (const device of [a, b]) device.db.transaction(() => settleDayState(device.db))();
    expect({ walkIns: walkIns(b.db), desks: rows(a.db, `SELECT id, active_lot_id FROM desks ORDER BY id`) }).toEqual(expected);
    expect(JSON.parse(expected.walkIns)).toMatchObject([{ status: 'approved' }]);
  });

  it('refuses notes and reasons carrying an individual number, and queues nothing', () => {
    const { a, b, reception, supervisor } = twoDevices();
    const request = reception.ok('requestWalkIn', { municipality: M, number: T.otherVenue });
    relay(a, b);
    const before = queued(b).length;
    supervisor.refused('decideWalkIn', { requestId: request.id, approve: false, reason: '番号 1234 5678 9018 の方' }, 'INDIVIDUAL_NUMBER');
    supervisor.refused('closeDay', { note: 'メモ 123456789018' }, 'INDIVIDUAL_NUMBER');
    supervisor.refused('reopenDay', { reason: 'メモ 123456789018' }, 'INDIVIDUAL_NUMBER');
    expect(queued(b)).toHaveLength(before);
    expect(b.db.prepare(`SELECT count(*) AS n FROM walk_in_decisions`).get()).toEqual({ n: 0 });
  });
});

describe('migration 6', () => {
  it('keeps what was decided and used before it: settling again changes nothing', () => {
    const venue = newVenue({ seed: false });
    const path = `${venue.path}.v5`;
    const older = openVenueDatabase({ path, key: venue.key, migrations: MIGRATIONS.filter((m) => m.version < 6) });
    older.exec(`
      INSERT INTO checkins (id, municipality, ticket_number, person_id, dose_number, venue_id, desk_id, staff_id, at, venue_date, walk_in_approved_by)
        VALUES ('c1', '131016', '0000100007', 1, 1, 'V001', 'R1', 's', '2026-11-23T10:00:00.000+09:00', '2026-11-23', 'sup');
      INSERT INTO walk_in_requests (id, municipality, ticket_number, person_id, venue_id, venue_date, desk_id, requested_by, requested_at, verdict_code, status, product_id, decided_by, decided_at, reason, checkin_id)
        VALUES ('w1', '131016', '0000100007', 1, 'V001', '2026-11-23', 'R1', 'r', '2026-11-23T09:50:00.000+09:00', 'WRONG_VENUE', 'used', 'PFZ-COMIRNATY', 'sup', '2026-11-23T09:55:00.000+09:00', 'ok', 'c1'),
               ('w2', '131016', '0000100004', 2, 'V001', '2026-11-23', 'R1', 'r', '2026-11-23T09:51:00.000+09:00', 'NOT_BOOKED_TODAY', 'declined', NULL, 'sup', '2026-11-23T09:56:00.000+09:00', 'no', NULL);
      INSERT INTO observations (dose_id, venue_id, venue_date, started_at, minutes, outcome, outcome_at, outcome_by, note)
        VALUES ('d1', 'V001', '2026-11-23', '2026-11-23T10:00:00.000+09:00', 15, 'referred', '2026-11-23T10:05:00.000+09:00', 'n', 'ふらつき');
    `);
    const before = { walkIns: walkIns(older), observations: observations(older) };
    older.close();
    const db = openVenueDatabase({ path, key: venue.key });
    try {
      expect(db.prepare(`SELECT walk_in_id FROM checkins WHERE id = 'c1'`).get()).toEqual({ walk_in_id: 'w1' });
      expect(db.prepare(`SELECT request_id, outcome FROM walk_in_decisions ORDER BY request_id`).all()).toEqual([
        { request_id: 'w1', outcome: 'approved' },
        { request_id: 'w2', outcome: 'declined' },
      ]);
      // Whatever arrives about them later derives their state again: it must come out as it was.
      for (const id of ['w1', 'w2']) settleWalkIn(db, id);
      settleObservation(db, 'd1');
      expect({ walkIns: walkIns(db), observations: observations(db) }).toEqual(before);
      expect(JSON.parse(before.walkIns)).toMatchObject([{ id: 'w1', status: 'used', checkin_id: 'c1' }, { id: 'w2', status: 'declined' }]);
    } finally {
      db.close();
    }
  });
});
