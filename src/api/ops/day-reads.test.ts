/**
 * The two read operations the supervisor's and reception's screens need
 * beyond the reconciliation itself: the records behind a discrepancy (or
 * all of a day's), and what the person's slip says about today's dose.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T } from '../../../test/fixtures/demo';
import { useTestVenue, type TestVenue } from '../../../test/support/venue';

const newVenue = useTestVenue();

function morning(venue: TestVenue) {
  venue.signIn('supervisor').ok('configureDevice', { idleLockMinutes: 60 });
  const reception = venue.signIn('reception', 'R1');
  const nurse = venue.signIn('nurse', 'N1');
  const fa = nurse.ok('listLots', {}).find((l) => l.lotNumber === 'FA1234')?.id ?? '';
  nurse.ok('setDeskLot', { lotId: fa });
  for (const number of [T.ok, T.okNw7]) reception.ok('checkIn', { municipality: M, number });
  venue.clock.advance(5 * 60_000);
  const dose = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', lotId: fa, doctor: '医師 一郎' });
  return { reception, nurse, fa, dose };
}

describe('dayRecords', () => {
  it('lists the day’s check-ins and doses with who made them, the person’s name and nothing else personal', () => {
    const venue = newVenue();
    const { dose } = morning(venue);
    const supervisor = venue.signIn('supervisor', 'R1');
    supervisor.ok('voidRecord', { recordId: dose.id, reason: '医師名の誤り' });
    const records = supervisor.ok('dayRecords', {});
    expect(records.checkins.map((c) => c.ticketNumber).sort()).toEqual([T.ok, T.okNw7].sort());
    expect(records.checkins[0]).toMatchObject({ staffName: '受付 太郎', deskId: 'R1', walkIn: false, void: null });
    expect(records.doses).toHaveLength(1);
    expect(records.doses[0]).toMatchObject({ id: dose.id, nurseName: '看護 次郎', nameKanji: '山田 太郎', lotNumber: 'FA1234', replacedBy: null });
    expect(records.doses[0]?.void).toMatchObject({ reason: '医師名の誤り', staffName: '管理 花子' });
    // Contact details and dates of birth never leave in this answer.
    const text = JSON.stringify(records);
    expect(text).not.toContain('090-1234');
    expect(text).not.toContain('@example.jp');
    expect(text).not.toContain('1958-04-12');
  });

  it('reads the records a discrepancy names, and marks a voided dose once it is recorded again', () => {
    const venue = newVenue();
    const { dose, fa } = morning(venue);
    const supervisor = venue.signIn('supervisor', 'R1');
    const report = supervisor.ok('dayReport', { closing: true });
    const open = report.discrepancies.find((d) => d.kind === 'checked-in-no-dose');
    const behind = supervisor.ok('dayRecords', { ids: open?.recordIds ?? [] });
    expect(behind.checkins.map((c) => c.ticketNumber)).toEqual([T.okNw7]);
    expect(behind.doses).toEqual([]);
    supervisor.ok('voidRecord', { recordId: dose.id, reason: '医師名の誤り' });
    const again = supervisor.ok('rerecordDose', {
      voidedRecordId: dose.id, reason: '医師名を訂正', municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', givenAt: dose.givenAt, lotId: fa, site: 'left_arm', doctor: '医師 二郎',
    });
    const both = supervisor.ok('dayRecords', { ids: [dose.id, again.id] }).doses;
    expect(both.find((d) => d.id === dose.id)?.replacedBy).toBe(again.id);
    expect(both.find((d) => d.id === again.id)).toMatchObject({ replaces: dose.id, doctor: '医師 二郎', void: null });
  });
});

describe('doseSlip', () => {
  it('gives reception today’s dose here with its lot and the set booking’s next appointment', () => {
    const venue = newVenue();
    const { reception } = morning(venue);
    const slip = reception.ok('doseSlip', { municipality: M, ticketNumber: T.ok });
    expect(slip).toMatchObject({ doseNumber: 1, venueDate: venue.today, venueName: '区民会館ホール', lotNumber: 'FA1234', maker: 'ファイザー', productName: 'コミナティ筋注' });
    expect(slip?.nextBooking).toMatchObject({ dose: 2, slotStart: '10:00', slotEnd: '10:30', venueId: 'V001' });
    // Checked in but not vaccinated: nothing to print.
    expect(reception.ok('doseSlip', { municipality: M, ticketNumber: T.okNw7 })).toBeNull();
  });
});
