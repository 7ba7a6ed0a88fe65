import { describe, expect, it } from 'vitest';
import { useTestVenue } from '../../test/support/venue';
import { CLOCK_WARNING_MS, noteServerTime, readClockCheck } from './clock';

const newVenue = useTestVenue();

describe('the desk’s clock against the central service’s', () => {
  it('is measured from the answer’s Date header and warns beyond two minutes, ahead or behind', () => {
    const venue = newVenue();
    expect(readClockCheck(venue.db)).toBeNull();
    const server = new Date('2026-11-23T00:00:00Z');
    // Three minutes ahead here (the header's whole second is centred: +500 ms).
    noteServerTime(venue.db, server.toUTCString(), new Date(server.getTime() + 3 * 60_000 + 500));
    expect(readClockCheck(venue.db)).toMatchObject({ offsetMs: 3 * 60_000, warning: true });
    noteServerTime(venue.db, server.toUTCString(), new Date(server.getTime() - 10 * 60_000));
    expect(readClockCheck(venue.db)).toMatchObject({ offsetMs: -10 * 60_000 - 500, warning: true });
    noteServerTime(venue.db, server.toUTCString(), new Date(server.getTime() + CLOCK_WARNING_MS - 1_000));
    expect(readClockCheck(venue.db)?.warning).toBe(false);
    // No header, or one that is not a date: nothing is noted.
    noteServerTime(venue.db, null, new Date(server.getTime() + 99 * 60_000));
    noteServerTime(venue.db, 'yesterday', new Date(server.getTime() + 99 * 60_000));
    expect(readClockCheck(venue.db)?.warning).toBe(false);
  });
});
