import { describe, expect, it } from 'vitest';
import { addDays } from '../common/time';
import { DEMO_MUNICIPALITY, DEMO_TICKETS as T, OTHER_MUNICIPALITY, ticketLine } from '../../test/fixtures/demo';
import { useTestVenue } from '../../test/support/venue';

const newVenue = useTestVenue();

function scan(code: string) {
  const venue = newVenue();
  const desk = venue.signIn('reception');
  return { venue, desk, value: desk.ok('scanTicket', { code }) };
}

function verdictOf(code: string) {
  const { value } = scan(code);
  if (value.read !== 'ticket') throw new Error(`not read: ${value.code}`);
  return value.verdict;
}

describe('check-in verdicts', () => {
  it('OK: booked here today, with identity details and the set-booking partner', () => {
    const v = verdictOf(ticketLine(T.ok));
    expect(v).toMatchObject({
      code: 'OK',
      admit: true,
      dose: 1,
      person: { nameKana: 'ヤマダ タロウ', nameKanji: '山田 太郎', birthDate: '1958-04-12', age: 68, sex: 'M' },
      booking: { slotStart: '10:00', slotEnd: '10:30', dose: 1, venueName: '区民会館ホール', productName: 'コミナティ筋注' },
      nextBooking: { dose: 2, date: '2026-12-14' },
    });
    expect(v.headline.ja).toContain('受付できます');
  });

  it('carries only identity details: no contact, no person reference', () => {
    const v = verdictOf(ticketLine(T.ok));
    const json = JSON.stringify(v);
    expect(json).not.toContain('090-1234');
    expect(json).not.toContain('@example.jp');
    expect(json).not.toContain('A100001');
    expect(Object.keys(v.person ?? {}).sort()).toEqual(['age', 'birthDate', 'nameKana', 'nameKanji', 'sex']);
  });

  it('OK for a 10-digit NW-7 read completed with the venue municipality', () => {
    const v = verdictOf(`A${T.okNw7}B`);
    expect(v).toMatchObject({ code: 'OK', ticket: { municipality: DEMO_MUNICIPALITY, number: T.okNw7, kind: '1', dose: null } });
  });

  it('ALREADY_CHECKED_IN after a check-in at another desk', () => {
    const venue = newVenue();
    venue.signIn('reception', 'R2').ok('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.ok });
    const value = venue.signIn('reception', 'R1').ok('scanTicket', { code: ticketLine(T.ok) });
    expect(value.read === 'ticket' && value.verdict).toMatchObject({
      code: 'ALREADY_CHECKED_IN',
      admit: false,
      checkedIn: { deskId: 'R2' },
      headline: { ja: '09:00 に受付済みです', en: 'Already checked in at 09:00' },
    });
  });

  it('NOT_BOOKED_TODAY shows the real booking', () => {
    const v = verdictOf(ticketLine(T.bookedOtherDay));
    expect(v).toMatchObject({ code: 'NOT_BOOKED_TODAY', admit: false, booking: { date: addDays('2026-11-23', 3), slotStart: '14:00' } });
    // Words to staff, not to the visitor; the date stays in the booking (the screens write it), not in ISO form in the advice.
    expect(v.advice.ja).toContain('本人に伝える');
    expect(v.advice.ja).not.toContain('お越し');
    expect(v.advice.ja).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('WRONG_VENUE names the booked venue', () => {
    const v = verdictOf(ticketLine(T.otherVenue));
    expect(v).toMatchObject({ code: 'WRONG_VENUE', booking: { venueId: 'V002', venueName: 'スポーツセンター' } });
    expect(v.advice.ja).toContain('スポーツセンター');
  });

  it('ALREADY_VACCINATED says which dose, when and where', () => {
    const v = verdictOf(ticketLine(T.alreadyVaccinated, 2));
    expect(v).toMatchObject({ code: 'ALREADY_VACCINATED', previousDose: { dose: 2, date: addDays('2026-11-23', -30), place: 'スポーツセンター' } });
  });

  it('ALREADY_VACCINATED once the dose was recorded today', () => {
    const venue = newVenue();
    venue.signIn('reception').ok('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.ok });
    const nurse = venue.signIn('nurse', 'N1');
    const lot = nurse.ok('listLots', {}).find((l) => l.lotNumber === 'FA1234');
    nurse.ok('recordDose', { municipality: DEMO_MUNICIPALITY, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot?.id });
    const value = venue.signIn('reception', 'R1').ok('scanTicket', { code: ticketLine(T.ok) });
    // Given here today: a calm card with the time, not a refusal.
    expect(value.read === 'ticket' && value.verdict).toMatchObject({
      code: 'VACCINATED_TODAY',
      admit: false,
      previousDose: { dose: 1, date: '2026-11-23', place: '区民会館ホール', givenAt: '2026-11-23T09:00:00.000+09:00' },
      headline: { ja: '本日 09:00 にこの会場で接種済みです（1回目）' },
    });
    // Given at another venue (or another day): refused as already vaccinated.
    venue.db.prepare(`UPDATE dose_records SET venue_id = 'V002'`).run();
    const elsewhere = venue.signIn('reception', 'R1').ok('scanTicket', { code: ticketLine(T.ok) });
    expect(elsewhere.read === 'ticket' && elsewhere.verdict).toMatchObject({ code: 'ALREADY_VACCINATED' });
  });

  it('INTERVAL_NOT_MET gives the earliest allowed date', () => {
    const v = verdictOf(ticketLine(T.tooSoon, 2));
    expect(v).toMatchObject({ code: 'INTERVAL_NOT_MET', earliestDate: addDays('2026-11-23', -10 + 21) });
  });

  it('AGE_NOT_ELIGIBLE gives the age and the limits', () => {
    const v = verdictOf(ticketLine(T.tooYoung));
    expect(v).toMatchObject({ code: 'AGE_NOT_ELIGIBLE', ageLimits: { min: 12, max: null } });
    expect(v.person?.age).toBeLessThan(12);
  });

  it('TICKET_VOID names the status', () => {
    const v = verdictOf(ticketLine(T.moved));
    expect(v).toMatchObject({ code: 'TICKET_VOID', ticketStatus: 'moved_out' });
    expect(v.headline.ja).toContain('転出');
  });

  it('OTHER_MUNICIPALITY for a valid code the venue does not serve', () => {
    const v = verdictOf(ticketLine(T.ok, 1, OTHER_MUNICIPALITY));
    expect(v).toMatchObject({ code: 'OTHER_MUNICIPALITY', person: null });
  });

  it('UNKNOWN_TICKET for a number not in the roster', () => {
    expect(verdictOf(ticketLine(T.unknown))).toMatchObject({ code: 'UNKNOWN_TICKET', person: null });
  });

  it('DOSE_OUT_OF_ORDER when the booking skips a dose', () => {
    const v = verdictOf(ticketLine(T.outOfOrder, 3));
    expect(v).toMatchObject({ code: 'DOSE_OUT_OF_ORDER', dose: 3, previousDose: { dose: 1 } });
  });

  it('a misread check digit never reaches a verdict', () => {
    const bad = ticketLine(T.ok).replace(DEMO_MUNICIPALITY, '131017');
    const { value } = scan(bad);
    expect(value).toMatchObject({ read: 'error', code: 'BAD_CHECK_DIGIT' });
  });
});

describe('checking in', () => {
  it('records one check-in, and a second attempt is refused with ALREADY_CHECKED_IN', () => {
    const venue = newVenue();
    const desk = venue.signIn('reception');
    const first = desk.ok('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.ok });
    expect(first).toMatchObject({ checkedIn: true, verdict: { code: 'OK' } });
    const second = desk.ok('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.ok });
    expect(second).toMatchObject({ checkedIn: false, verdict: { code: 'ALREADY_CHECKED_IN' } });
    expect(venue.db.prepare(`SELECT count(*) AS n FROM checkins`).get()).toEqual({ n: 1 });
  });

  it('does not check in a refused ticket', () => {
    const venue = newVenue();
    const result = venue.signIn('reception').ok('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.bookedOtherDay });
    expect(result).toMatchObject({ checkedIn: false, verdict: { code: 'NOT_BOOKED_TODAY' } });
    expect(venue.db.prepare(`SELECT count(*) AS n FROM checkins`).get()).toEqual({ n: 0 });
  });

  it('puts checked-in people in the vaccination queue seen from every desk, until their dose is recorded', () => {
    const venue = newVenue();
    venue.signIn('reception', 'R1').ok('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.ok });
    venue.signIn('reception', 'R2').ok('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.okSecond });
    const nurse = venue.signIn('nurse', 'N1');
    const queue = nurse.ok('vaccinationQueue', {});
    expect(queue.map((q) => [q.ticketNumber, q.deskId])).toEqual([[T.ok, 'R1'], [T.okSecond, 'R2']]);
    const lot = nurse.ok('listLots', {}).find((l) => l.lotNumber === 'FA1234');
    nurse.ok('recordDose', { municipality: DEMO_MUNICIPALITY, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot?.id });
    expect(nurse.ok('vaccinationQueue', {}).map((q) => q.ticketNumber)).toEqual([T.okSecond]);
  });
});
