import { describe, expect, it } from 'vitest';
import { addDays } from '../common/time';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { fakeMyNumber } from '../../test/fixtures/roster';
import { useTestVenue, type Desk } from '../../test/support/venue';

const newVenue = useTestVenue();

function lotIds(nurse: Desk) {
  const lots = nurse.ok('listLots', {});
  return { fresh: lots.find((l) => l.lotNumber === 'FA1234')?.id ?? '', all: lots };
}

function setUp() {
  const venue = newVenue();
  venue.signIn('reception').ok('checkIn', { municipality: M, number: T.ok });
  const nurse = venue.signIn('nurse', 'N1');
  return { venue, nurse, lot: lotIds(nurse).fresh };
}

const doseCount = (venue: ReturnType<typeof newVenue>) => (venue.db.prepare(`SELECT count(*) AS n FROM dose_records`).get() as { n: number }).n;

describe('recording a dose', () => {
  it('saves the dose with product, lot, expiry, volume and time with offset, linked to the check-in', () => {
    const { nurse, lot } = setUp();
    const record = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', lotId: lot, site: 'left_arm', doctor: '医師 一郎' });
    expect(record).toMatchObject({
      doseNumber: 1,
      status: 'performed',
      productName: 'コミナティ筋注',
      maker: 'ファイザー',
      lotNumber: 'FA1234',
      expiry: addDays('2026-11-23', 120),
      volumeMl: 0.3,
      site: 'left_arm',
      deskId: 'N1',
      givenAt: '2026-11-23T09:00:00.000+09:00',
    });
    expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(record.checkinId).not.toBeNull();
    const { nextBooking, ...saved } = record;
    expect(nextBooking).toMatchObject({ dose: 2 });
    expect(nurse.ok('getDoseRecord', { id: record.id })).toEqual(saved);
  });

  it('refuses a second record for the same ticket and dose', () => {
    const { venue, nurse, lot } = setUp();
    nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot });
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }, 'DUPLICATE_DOSE');
    expect(doseCount(venue)).toBe(1);
  });

  it('after a supervisor voids the first record, the dose can be recorded again; nothing is deleted', () => {
    const { venue, nurse, lot } = setUp();
    const first = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot });
    const supervisor = venue.signIn('supervisor');
    supervisor.refused('voidRecord', { recordId: first.id, reason: '  ' }, 'VALIDATION');
    const voided = supervisor.ok('voidRecord', { recordId: first.id, reason: '別人の券で記録したため' });
    expect(voided).toMatchObject({ targetKind: 'dose', targetId: first.id });
    supervisor.refused('voidRecord', { recordId: first.id, reason: 'again' }, 'ALREADY_VOIDED');
    const second = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot });
    expect(second.id).not.toBe(first.id);
    expect(doseCount(venue)).toBe(2);
    expect(nurse.ok('getDoseRecord', { id: first.id }).voidedBy).toBe(voided.id);
  });

  it('refuses a dose number that does not follow the history', () => {
    const { venue, nurse, lot } = setUp();
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 2, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }, 'DOSE_OUT_OF_ORDER');
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.alreadyVaccinated, doseNumber: 2, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }, 'DUPLICATE_DOSE');
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.alreadyVaccinated, doseNumber: 4, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }, 'DOSE_OUT_OF_ORDER');
    expect(doseCount(venue)).toBe(0);
  });

  it('refuses an expired lot and an unknown lot', () => {
    const { venue, nurse, lot } = setUp();
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: 'no-such-lot' }, 'UNKNOWN_LOT');
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師' }, 'LOT_REQUIRED');
    // 121 days later the FA1234 lot (120 days) has expired.
    venue.clock.set(`${addDays('2026-11-23', 121)}T10:00:00+09:00`);
    const late = venue.signIn('nurse', 'N1');
    late.refused('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }, 'EXPIRED_LOT');
    expect(doseCount(venue)).toBe(0);
  });

  it('refuses a time in the future or before the previous dose', () => {
    const { venue, nurse, lot } = setUp();
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot, givenAt: '2026-11-23T09:10:00+09:00' }, 'TIME_IN_FUTURE');
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot, givenAt: `${addDays('2026-11-23', -61)}T10:00:00+09:00` }, 'BEFORE_PREVIOUS_DOSE');
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot, givenAt: '2026-11-23 09:00' }, 'VALIDATION');
    expect(doseCount(venue)).toBe(0);
  });

  it('accepts a time one minute ahead (a desk clock running fast)', () => {
    const { nurse, lot } = setUp();
    expect(nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot, givenAt: '2026-11-23T00:01:00Z' }).givenAt).toBe('2026-11-23T09:01:00.000+09:00');
  });

  it('records a dose not performed with its reason, and the dose stays open', () => {
    const { nurse, lot } = setUp();
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'not_performed' }, 'REASON_REQUIRED');
    const skipped = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'not_performed', reason: '発熱（37.8℃）のため予診で中止' });
    expect(skipped).toMatchObject({ status: 'not_performed', lotId: null, volumeMl: null, reason: '発熱（37.8℃）のため予診で中止' });
    expect(nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }).status).toBe('performed');
  });

  it('refuses a void ticket', () => {
    const { nurse, lot } = setUp();
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.moved, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }, 'TICKET_VOID');
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.unknown, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }, 'UNKNOWN_TICKET');
  });

  it('logs a refused attempt in the audit log without the record', () => {
    const { venue, nurse, lot } = setUp();
    nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 2, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }, 'DOSE_OUT_OF_ORDER');
    const last = venue.db.prepare(`SELECT action, outcome FROM audit_log ORDER BY seq DESC LIMIT 1`).get();
    expect(last).toEqual({ action: 'recordDose', outcome: 'DOSE_OUT_OF_ORDER' });
  });
});

describe('an individual number typed into a reason or a name', () => {
  const mine = fakeMyNumber(7);
  const spaced = `${mine.slice(0, 4)} ${mine.slice(4, 8)} ${mine.slice(8)}`;

  it('is refused everywhere a nurse or supervisor types, without being echoed, and nothing is written', () => {
    const { venue, nurse, lot } = setUp();
    const auditBefore = (venue.db.prepare(`SELECT count(*) AS n FROM audit_log`).get() as { n: number }).n;
    const errors = [
      nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'not_performed', reason: `本人申告 ${spaced}` }, 'INDIVIDUAL_NUMBER'),
      nurse.refused('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', lotId: lot, doctor: mine }, 'INDIVIDUAL_NUMBER'),
    ];
    expect(doseCount(venue)).toBe(0);
    const first = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot });
    const supervisor = venue.signIn('supervisor');
    // Full-width digits are the same number.
    const fullWidth = mine.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    errors.push(supervisor.refused('voidRecord', { recordId: first.id, reason: `番号${fullWidth}の人と取り違え` }, 'INDIVIDUAL_NUMBER'));
    expect(nurse.ok('getDoseRecord', { id: first.id }).voidedBy).toBeNull();
    supervisor.ok('voidRecord', { recordId: first.id, reason: '別人の券で記録したため' });
    errors.push(
      supervisor.refused(
        'rerecordDose',
        { voidedRecordId: first.id, reason: `正しくは ${mine}`, municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', givenAt: first.givenAt, lotId: lot, site: 'left_arm', doctor: '予診 医師' },
        'INDIVIDUAL_NUMBER',
      ),
    );
    expect(doseCount(venue)).toBe(1);
    for (const error of errors) {
      expect(error.message.ja).toContain('個人番号');
      expect(JSON.stringify(error)).not.toContain(mine);
      expect(JSON.stringify(error)).not.toContain(mine.slice(0, 8));
    }
    // Nothing of the number reached the audit log either (refusals are logged by code only).
    const audit = venue.db.prepare(`SELECT * FROM audit_log WHERE seq > ?`).all(auditBefore);
    expect(JSON.stringify(audit)).not.toContain(mine.slice(0, 8));
  });
});

describe('lots at the desk', () => {
  it('a nurse sets the active lot of their own desk, not another desk', () => {
    const { venue, nurse, lot } = setUp();
    expect(nurse.ok('setDeskLot', { lotId: lot })).toEqual({ deskId: 'N1', lotId: lot });
    nurse.refused('setDeskLot', { deskId: 'R1', lotId: lot }, 'FORBIDDEN');
    const desks = venue.signIn('supervisor').ok('listDesks', {});
    expect(desks.find((d) => d.id === 'N1')).toMatchObject({ activeLotId: lot, activeLotNumber: 'FA1234', productName: 'コミナティ筋注' });
  });

  it('a supervisor adds a lot; an expired or duplicate lot is refused', () => {
    const { venue } = setUp();
    const supervisor = venue.signIn('supervisor');
    const added = supervisor.ok('addLot', { productId: 'MOD-SPIKEVAX', lotNumber: 'MS0002', expiry: '2027-03-31' });
    expect(added).toMatchObject({ productName: 'スパイクバックス筋注', expired: false });
    supervisor.refused('addLot', { productId: 'MOD-SPIKEVAX', lotNumber: 'MS0002', expiry: '2027-03-31' }, 'LOT_EXISTS');
    supervisor.refused('addLot', { productId: 'MOD-SPIKEVAX', lotNumber: 'MS0003', expiry: '2026-11-22' }, 'EXPIRED_LOT');
    supervisor.refused('addLot', { productId: 'NOPE', lotNumber: 'X1', expiry: '2027-03-31' }, 'UNKNOWN_PRODUCT');
    supervisor.refused('addLot', { productId: 'MOD-SPIKEVAX', lotNumber: 'MS0004', expiry: '2027-02-30' }, 'VALIDATION');
  });

  it('a scanned vial picks the matching lot, or offers a new one', () => {
    const { nurse } = setUp();
    const GS = '\u001d';
    const match = nurse.ok('scanLot', { code: `]d201049871234567841710${'0'.repeat(0)}` });
    expect(match.read).toBe('error');
    const expiry = addDays('2026-11-23', 120).slice(2).replaceAll('-', '');
    const known = nurse.ok('scanLot', { code: `]d20104987123456784${'17'}${expiry}10FA1234${GS}21SER001` });
    expect(known).toMatchObject({ read: 'pack', kind: 'match', lotNumber: 'FA1234' });
    const fresh = nurse.ok('scanLot', { code: '(01)04987123456784(17)271231(10)NEW999' });
    expect(fresh).toMatchObject({ read: 'pack', kind: 'new-lot', productId: 'PFZ-COMIRNATY', lotNumber: 'NEW999', expiry: '2027-12-31' });
    const ticket = nurse.ok('scanLot', { code: '111310160000100001' });
    expect(ticket.read).toBe('error');
  });
});

describe('a set booking', () => {
  it('recording dose 1 gives the booked dose-2 appointment', () => {
    const { nurse, lot } = setUp();
    const record = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot });
    expect(record.nextBooking).toMatchObject({ dose: 2, date: addDays('2026-11-23', 21), slotStart: '10:00', venueName: '区民会館ホール' });
    const other = nurse.ok('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot });
    expect(other.nextBooking).toBeNull();
  });
});
