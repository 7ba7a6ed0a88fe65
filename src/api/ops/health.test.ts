/**
 * The reader's health: desks report counts and times, supervisors read them
 * per desk for a day; only supervisors read them, and nothing read (no
 * ticket number) can be sent in a report.
 */
import { describe, expect, it } from 'vitest';
import { useTestVenue } from '../../../test/support/venue';

const newVenue = useTestVenue();

describe('reader health per desk', () => {
  it('sums each desk’s reports for the day, with median and p95 seconds from view to card', () => {
    const venue = newVenue();
    const r1 = venue.signIn('reception', 'R1');
    const r2 = venue.signIn('reception', 'R2');
    r1.ok('reportReaderHealth', { attempts: 10, misreadsRefused: 1, failedSights: 0, toCardMs: [300, 320, 350, 400, 420, 450, 480, 500, 650] });
    r1.ok('reportReaderHealth', { attempts: 2, misreadsRefused: 0, failedSights: 2, toCardMs: [4_200] });
    r2.ok('reportReaderHealth', { attempts: 1, misreadsRefused: 0, failedSights: 5, toCardMs: [] });
    const health = venue.signIn('supervisor', 'S1').ok('readerHealth', {});
    expect(health.map((h) => h.deskId)).toEqual(['R1', 'R2']);
    expect(health[0]).toMatchObject({ attempts: 12, misreadsRefused: 1, failedSights: 2, cards: 10, medianSeconds: 0.5, p95Seconds: 4.3 });
    expect(health[1]).toMatchObject({ attempts: 1, failedSights: 5, cards: 0, medianSeconds: null, p95Seconds: null });
  });

  it('is read by supervisors only, and a report carries counts and times, never anything read', () => {
    const venue = newVenue();
    const reception = venue.signIn('reception', 'R1');
    expect(reception.call('readerHealth', {})).toMatchObject({ ok: false });
    expect(reception.call('reportReaderHealth', { attempts: 1, misreadsRefused: 0, failedSights: 0, toCardMs: [], ticket: '111310160000100001' } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(venue.signIn('supervisor', 'S1').ok('readerHealth', { date: '2020-01-01' })).toEqual([]);
  });
});
