import { afterAll, describe, expect, it } from 'vitest';
import { venueDate } from '../../src/common/time';
import { listConflicts } from '../../server/conflicts';
import { issueEnrollmentCode } from '../../server/enrollment';
import { ticketLine } from '../fixtures/demo';
import { DEMO_NOW } from '../support/venue';
import { DEMO_TICKETS as T, seedMunicipality, type SeededMunicipality, useServedCentral } from './support/central';
import { until, useDevices, type TestDevice } from './support/devices';

/**
 * The supervisor's day across the desks of one venue, from end to end: two
 * enrolled devices (reception R1, which also shows the observation board;
 * nurse and supervisor N1) with real encrypted databases, dispatchers and
 * sync services, over real HTTP on 127.0.0.1 to the real central service
 * (PGlite, or PostgreSQL with VENUE_TEST_DATABASE_URL). Each step on one
 * device must show on the other within 5 s, through the long-poll.
 */
const today = venueDate(new Date(DEMO_NOW));
const SHOWS_WITHIN_MS = 5_000;
const newDevice = useDevices();
const latencies: Record<string, number> = {};

const central = useServedCentral();

afterAll(() => {
  console.log(`supervisor's day across desks, shown on the other device after (ms): ${Object.entries(latencies).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
});

async function enrolled(m: SeededMunicipality, deskId: string): Promise<TestDevice> {
  const device = newDevice({ name: deskId });
  const { code } = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId }, new Date());
  await device.enroll(central.served.url, code);
  return device;
}

async function venueOfTwo(): Promise<{ m: SeededMunicipality; receptionDevice: TestDevice; nurseDevice: TestDevice }> {
  const m = await seedMunicipality(central.db, { today });
  const [receptionDevice, nurseDevice] = await Promise.all([enrolled(m, 'R1'), enrolled(m, 'N1')]);
  return { m, receptionDevice, nurseDevice };
}

async function shows(what: string, check: () => boolean): Promise<void> {
  latencies[what] = await until(check, SHOWS_WITHIN_MS, what);
}

/** Both outboxes empty: what each device made is confirmed by the central service. */
async function drained(...devices: TestDevice[]): Promise<void> {
  await until(() => devices.every((d) => d.open() === 0), SHOWS_WITHIN_MS, 'the outboxes to empty');
  for (const device of devices) expect(device.errors).toEqual([]);
}

function verdict(device: TestDevice, m: SeededMunicipality, number: string) {
  const scan = device.signIn('reception').ok('scanTicket', { code: ticketLine(number, 1, m.code) });
  if (scan.read !== 'ticket') throw new Error('not a ticket');
  return scan.verdict;
}

describe('the supervisor’s day across the desks of a venue', () => {
  it('a walk-in asked at reception is approved on the supervisor’s device; reception admits, the check-in names the approver, and it is used everywhere', async () => {
    const { m, receptionDevice, nurseDevice } = await venueOfTwo();
    const reception = receptionDevice.signIn('reception');
    const supervisor = nurseDevice.signIn('supervisor');
    const request = reception.ok('requestWalkIn', { municipality: m.code, number: T.otherVenue });
    await shows('walk-in request', () => supervisor.ok('listWalkIns', {}).some((w) => w.id === request.id && w.status === 'pending'));
    expect(supervisor.ok('listWalkIns', {})[0]?.person).toMatchObject({ nameKanji: expect.any(String) });

    supervisor.ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '予約会場が遠いため' });
    await shows('walk-in approval', () => verdict(receptionDevice, m, T.otherVenue).code === 'OK');
    expect(verdict(receptionDevice, m, T.otherVenue)).toMatchObject({ admit: true, walkIn: { id: request.id, status: 'approved' } });

    const checkin = reception.ok('checkIn', { municipality: m.code, number: T.otherVenue });
    if (!checkin.checkedIn) throw new Error('not checked in');
    expect(receptionDevice.db.prepare(`SELECT walk_in_approved_by FROM checkins WHERE id = ?`).get(checkin.checkinId)).toEqual({ walk_in_approved_by: m.staffIds.supervisor });
    await shows('walk-in used', () => supervisor.ok('listWalkIns', {}).some((w) => w.id === request.id && w.status === 'used'));
    await drained(receptionDevice, nurseDevice);
    const state = (device: TestDevice) => device.db.prepare(`SELECT id, status, product_id, decided_by, decided_at, reason, checkin_id FROM walk_in_requests`).all();
    expect(state(nurseDevice)).toEqual(state(receptionDevice));
    expect(state(nurseDevice)).toMatchObject([{ status: 'used', decided_by: m.staffIds.supervisor, checkin_id: checkin.checkinId }]);
    // Each outbox holds what its own desk made, nothing it received.
    const kinds = (device: TestDevice) => (device.db.prepare(`SELECT DISTINCT kind FROM sync_outbox WHERE kind <> 'audit_head' ORDER BY kind`).all() as { kind: string }[]).map((r) => r.kind);
    expect(kinds(receptionDevice)).toEqual(['checkin', 'walkin_request']);
    expect(kinds(nurseDevice)).toEqual(['walkin_decision']);
    const [stored] = await central.db.query<{ body: string }>(`SELECT body FROM checkins WHERE id = $1`, [checkin.checkinId]);
    expect(JSON.parse(stored?.body ?? '{}')).toMatchObject({ walkInApprovedBy: m.staffIds.supervisor, walkInId: request.id });
  });

  it('a walk-in decided on both devices while apart: the earlier decision stands on both, and the supervisors see a conflict', async () => {
    const { m, receptionDevice, nurseDevice } = await venueOfTwo();
    const request = receptionDevice.signIn('reception').ok('requestWalkIn', { municipality: m.code, number: T.otherVenue });
    await until(() => nurseDevice.signIn('supervisor').ok('listWalkIns', {}).length === 1, SHOWS_WITHIN_MS, 'the request');
    await Promise.all([receptionDevice.stop(), nurseDevice.stop()]);
    receptionDevice.signIn('supervisor').ok('decideWalkIn', { requestId: request.id, approve: false, reason: '予約会場へご案内' });
    nurseDevice.clock.advance(60_000);
    nurseDevice.signIn('supervisor').ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '本日は空きあり' });
    receptionDevice.start();
    nurseDevice.start();

    for (const device of [receptionDevice, nurseDevice]) {
      await until(() => device.signIn('supervisor').ok('listConflicts', {}).some((c) => c.kind === 'walkin'), SHOWS_WITHIN_MS, `${device.name} to see the conflict`);
    }
    await drained(receptionDevice, nurseDevice);
    const status = (device: TestDevice) => device.signIn('supervisor').ok('listWalkIns', {})[0];
    await until(() => status(nurseDevice)?.status === 'declined', SHOWS_WITHIN_MS, 'the earlier decision on the later decider’s device');
    expect(status(receptionDevice)).toEqual(status(nurseDevice));
    const conflict = nurseDevice.signIn('supervisor').ok('listConflicts', {}).find((c) => c.kind === 'walkin');
    expect(conflict).toMatchObject({ ticketNumber: T.otherVenue, venueDate: today, records: [{ deskId: 'R1' }, { deskId: 'N1' }] });
    // The day report shows it as a discrepancy to explain, in its own words.
    const report = nurseDevice.signIn('supervisor').ok('dayReport', {});
    expect(report.discrepancies.find((d) => d.kind === 'conflict')?.message.en).toContain('walk-in');
    expect((await listConflicts(central.db, { municipality: m.code })).map((c) => c.kind)).toEqual(['walkin']);
  });

  it('a dose on the nurse’s device starts its observation on reception’s board; the release made there shows back', async () => {
    const { m, receptionDevice, nurseDevice } = await venueOfTwo();
    const lot = nurseDevice.signIn('supervisor').ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'OB1234', expiry: '2027-06-30' });
    const nurse = nurseDevice.signIn('nurse');
    const dose = nurse.ok('recordDose', { municipality: m.code, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    expect(nurse.ok('observationBoard', {}).map((o) => o.doseId)).toEqual([dose.id]);
    await shows('observation', () => receptionDevice.signIn('reception').ok('observationBoard', {}).some((o) => o.doseId === dose.id));
    expect(receptionDevice.signIn('reception').ok('observationBoard', {})).toMatchObject([{ doseId: dose.id, deskId: 'N1', minutes: 15, due: false }]);

    receptionDevice.clock.advance(16 * 60_000);
    const board = receptionDevice.signIn('nurse');
    expect(board.ok('observationBoard', {})).toMatchObject([{ doseId: dose.id, due: true }]);
    board.ok('endObservation', { doseId: dose.id, outcome: 'released' });
    await shows('observation release', () => nurse.ok('observationBoard', {}).length === 0);
    const outcome = (device: TestDevice) => device.db.prepare(`SELECT outcome, outcome_by, outcome_at FROM observations WHERE dose_id = ?`).get(dose.id);
    expect(outcome(nurseDevice)).toEqual(outcome(receptionDevice));
    expect(outcome(nurseDevice)).toMatchObject({ outcome: 'released', outcome_by: m.staffIds.nurse });
    await drained(receptionDevice, nurseDevice);
  });

  it('a day closed on the supervisor’s device refuses check-ins at reception after sync, and the central service knows', async () => {
    const { m, receptionDevice, nurseDevice } = await venueOfTwo();
    const reception = receptionDevice.signIn('reception');
    expect(reception.ok('checkIn', { municipality: m.code, number: T.ok }).checkedIn).toBe(true);
    const lot = nurseDevice.signIn('supervisor').ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'DC1234', expiry: '2027-06-30' });
    await until(() => nurseDevice.signIn('nurse').ok('vaccinationQueue', {}).length === 1, SHOWS_WITHIN_MS, 'the check-in at the nurse desk');
    nurseDevice.signIn('nurse').ok('setDeskLot', { lotId: lot.id });
    nurseDevice.signIn('nurse').ok('recordDose', { municipality: m.code, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    await drained(receptionDevice, nurseDevice);

    const supervisor = nurseDevice.signIn('supervisor');
    const report = supervisor.ok('dayReport', { closing: true });
    expect(report.discrepancies.filter((d) => !d.explanation)).toEqual([]);
    const close = supervisor.ok('closeDay', { note: '本日分、全件確認済み', confirmOpen: report.open });
    // Scanning is the probe (it writes nothing): the verdict turns to "day closed" once the close has arrived.
    expect(verdict(receptionDevice, m, T.okNw7).code).toBe('OK');
    await shows('day close', () => verdict(receptionDevice, m, T.okNw7).code === 'DAY_CLOSED');
    expect(reception.call('checkIn', { municipality: m.code, number: T.okNw7 })).toMatchObject({ ok: false, error: { code: 'DAY_CLOSED' } });
    expect(receptionDevice.db.prepare(`SELECT id, staff_id, note FROM day_closes`).all()).toEqual([{ id: close.id, staff_id: m.staffIds.supervisor, note: '本日分、全件確認済み' }]);
    await drained(nurseDevice);
    const [closed] = await central.db.query<{ id: string }>(`SELECT id FROM day_closes WHERE venue_id = $1 AND venue_date = $2`, [m.venue, today]);
    expect(closed?.id).toBe(close.id);
  });

  it('a check-in made offline before the close reaches the closed day afterwards: the supervisor is asked to explain it', async () => {
    const { m, receptionDevice, nurseDevice } = await venueOfTwo();
    // Reception loses the network and checks someone in; the supervisor closes the day meanwhile.
    await receptionDevice.stop();
    const offline = receptionDevice.signIn('reception').ok('checkIn', { municipality: m.code, number: T.ok });
    if (!offline.checkedIn) throw new Error(`not checked in: ${offline.verdict.code}`);
    const supervisor = nurseDevice.signIn('supervisor');
    const report = supervisor.ok('dayReport', { closing: true });
    expect(report.discrepancies).toEqual([]);
    supervisor.ok('closeDay', { note: '本日分、全件確認済み', confirmOpen: report.open });
    const lateOnes = () => supervisor.ok('dayReport', {}).discrepancies.filter((d) => d.kind === 'after-close');
    expect(lateOnes()).toEqual([]);

    receptionDevice.start();
    await shows('a late check-in flagged on the closed day', () => lateOnes().length === 1);
    const [late] = lateOnes();
    expect(late).toMatchObject({ key: `after-close:${offline.checkinId}`, recordIds: [offline.checkinId], explanation: null });
    expect(late?.message.ja).toContain('締めた後に届いた受付記録');
    const records = supervisor.ok('dayRecords', { ids: late?.recordIds ?? [] });
    expect(records.checkins.map((c) => c.ticketNumber)).toEqual([T.ok]);
    supervisor.ok('explainDiscrepancy', { key: late?.key ?? '', note: '通信断の受付台で締め前に受付。接種なしで帰宅' });
    expect(lateOnes()[0]?.explanation?.note).toBe('通信断の受付台で締め前に受付。接種なしで帰宅');
    // The reception device itself made it before it knew of the close, so it is not late there; it now refuses new ones.
    await shows('the close at reception', () => verdict(receptionDevice, m, T.okNw7).code === 'DAY_CLOSED');
    expect(receptionDevice.signIn('supervisor').ok('dayReport', {}).discrepancies.filter((d) => d.kind === 'after-close')).toEqual([]);
    await drained(receptionDevice, nurseDevice);
  });

  it('a desk lot set on the nurse’s device, vials opened, and explanations show on the supervisor’s device', async () => {
    const { m, receptionDevice, nurseDevice } = await venueOfTwo();
    // Here the supervisor works at reception's device (R1): the nurse's desk is N1.
    const supervisor = receptionDevice.signIn('supervisor');
    const nurse = nurseDevice.signIn('nurse');
    const lot = nurseDevice.signIn('supervisor').ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'DL1234', expiry: '2027-06-30' });
    nurse.ok('setDeskLot', { lotId: lot.id });
    await shows('desk lot', () => supervisor.ok('listDesks', {}).some((d) => d.id === 'N1' && d.activeLotId === lot.id));
    expect(supervisor.ok('listDesks', {}).find((d) => d.id === 'N1')).toMatchObject({ activeLotNumber: 'DL1234', productName: expect.any(String) });

    nurse.ok('recordVialsOpened', { lotId: lot.id, vials: 2 });
    await shows('vials', () => supervisor.ok('dayReport', {}).lots.some((l) => l.lotId === lot.id && l.vialsOpened === 2));
    receptionDevice.clock.advance(60_000);
    supervisor.ok('recordVialsOpened', { lotId: lot.id, vials: 3 });
    await until(() => nurseDevice.signIn('supervisor').ok('dayReport', {}).lots.some((l) => l.lotId === lot.id && l.vialsOpened === 3), SHOWS_WITHIN_MS, 'the later count at the nurse desk');

    // A dose with no check-in (a discrepancy), explained on the nurse's device, explained on the supervisor's too.
    const dose = nurse.ok('recordDose', { municipality: m.code, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    const key = `dose-no-checkin:${dose.id}`;
    await until(() => supervisor.ok('dayReport', {}).discrepancies.some((d) => d.key === key), SHOWS_WITHIN_MS, 'the dose at the supervisor’s device');
    nurseDevice.signIn('supervisor').ok('explainDiscrepancy', { key, note: '受付で記録漏れ、本人確認済み' });
    await shows('explanation', () => supervisor.ok('dayReport', {}).discrepancies.find((d) => d.key === key)?.explanation?.note === '受付で記録漏れ、本人確認済み');
    // The dose was given with the desk's lot: the history from the nurse's device says so on the supervisor's.
    expect(supervisor.ok('dayReport', {}).discrepancies.filter((d) => d.kind === 'lot-outside-desk')).toEqual([]);
    await drained(receptionDevice, nurseDevice);
    const same = (sql: string) => expect(receptionDevice.db.prepare(sql).all()).toEqual(nurseDevice.db.prepare(sql).all());
    same(`SELECT id, desk_id, lot_id, from_at FROM desk_lot_history ORDER BY id`);
    same(`SELECT lot_id, venue_date, vials, record_id FROM lot_vials ORDER BY lot_id`);
    same(`SELECT id, key, note FROM discrepancy_notes ORDER BY id`);
  });
});
