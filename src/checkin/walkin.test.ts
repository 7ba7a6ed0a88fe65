import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T, ticketLine } from '../../test/fixtures/demo';
import { useTestVenue } from '../../test/support/venue';

const newVenue = useTestVenue();

function scanVerdict(desk: ReturnType<ReturnType<typeof newVenue>['signIn']>, number: string) {
  const value = desk.ok('scanTicket', { code: ticketLine(number) });
  if (value.read !== 'ticket') throw new Error('not a ticket');
  return value.verdict;
}

describe('walk-ins', () => {
  it('are checked in only after a supervisor approves, and then only once', () => {
    const venue = newVenue();
    const reception = venue.signIn('reception');
    reception.ok('checkIn', { municipality: M, number: T.bookedOtherDay });
    expect(venue.db.prepare(`SELECT count(*) AS n FROM checkins`).get()).toEqual({ n: 0 });

    const request = reception.ok('requestWalkIn', { municipality: M, number: T.bookedOtherDay });
    expect(request).toMatchObject({ status: 'pending', verdictCode: 'NOT_BOOKED_TODAY' });
    expect(scanVerdict(reception, T.bookedOtherDay)).toMatchObject({ code: 'NOT_BOOKED_TODAY', admit: false, walkIn: { status: 'pending' } });
    expect(reception.ok('checkIn', { municipality: M, number: T.bookedOtherDay }).checkedIn).toBe(false);

    const supervisor = venue.signIn('supervisor');
    const listed = supervisor.ok('listWalkIns', {});
    expect(listed).toHaveLength(1);
    expect(listed[0]?.person).toMatchObject({ nameKanji: '田中 洋子' });
    // Contact only partly: the last four digits, never the whole number or address.
    expect(listed[0]?.contact).toEqual({ phone: '***-****-0004', email: 'p***@e***.jp' });
    expect(JSON.stringify(listed)).not.toContain('090-1234-0004');
    supervisor.refused('decideWalkIn', { requestId: request.id, approve: true, reason: '予約日の都合がつかないため' }, 'PRODUCT_REQUIRED');
    supervisor.ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '予約日の都合がつかないため' });

    expect(scanVerdict(reception, T.bookedOtherDay)).toMatchObject({ code: 'OK', admit: true, dose: 1, walkIn: { status: 'approved' } });
    const checkedIn = reception.ok('checkIn', { municipality: M, number: T.bookedOtherDay });
    expect(checkedIn.checkedIn).toBe(true);
    const row = venue.db.prepare(`SELECT walk_in_approved_by FROM checkins`).get() as { walk_in_approved_by: string };
    expect(row.walk_in_approved_by).toBe(supervisor.ok('whoAmI', {}).staff.id);
    expect(reception.ok('checkIn', { municipality: M, number: T.bookedOtherDay })).toMatchObject({ checkedIn: false, verdict: { code: 'ALREADY_CHECKED_IN' } });
    supervisor.refused('decideWalkIn', { requestId: request.id, approve: false, reason: 'やっぱり' }, 'ALREADY_DECIDED');
  });

  it('a declined walk-in stays refused and says why', () => {
    const venue = newVenue();
    const reception = venue.signIn('reception');
    const request = reception.ok('requestWalkIn', { municipality: M, number: T.otherVenue });
    venue.signIn('supervisor').ok('decideWalkIn', { requestId: request.id, approve: false, reason: '予約会場へご案内' });
    const verdict = scanVerdict(reception, T.otherVenue);
    expect(verdict).toMatchObject({ code: 'WRONG_VENUE', walkIn: { status: 'declined', reason: '予約会場へご案内' } });
    expect(verdict.advice.ja).toContain('予約会場へご案内');
  });

  it('cannot be asked for a ticket refused for another reason', () => {
    const venue = newVenue();
    const reception = venue.signIn('reception');
    for (const number of [T.moved, T.alreadyVaccinated, T.unknown, T.ok]) {
      reception.refused('requestWalkIn', { municipality: M, number }, 'NOT_A_WALK_IN');
    }
  });

  it('an approved walk-in still has to meet the age rule of the approved product', () => {
    const venue = newVenue();
    const reception = venue.signIn('reception');
    // Booked today at another venue: eligible for a walk-in request, but too young for the product.
    const youngNumber = T.tooYoung;
    venue.db.prepare(`UPDATE bookings SET venue_id = 'V002' WHERE ticket_number = ?`).run(youngNumber);
    const request = reception.ok('requestWalkIn', { municipality: M, number: youngNumber });
    venue.signIn('supervisor').ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '承認' });
    expect(scanVerdict(reception, youngNumber)).toMatchObject({ code: 'AGE_NOT_ELIGIBLE', admit: false });
  });
});
