import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY, DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { useTestVenue } from '../../test/support/venue';
import { DEFAULT_IDLE_LOCK_MINUTES } from '../staff/accounts';
import type { InputOf, OperationName } from './contract';
import { operations } from './contract';

const newVenue = useTestVenue();

/**
 * Every read a screen makes on its own, on a timer or when an event arrives
 * (renderer/src: SyncStatus, the supervisor and day screens, the nurse's
 * queue, the observation board (and its counts on the lock screen), the enrollment panel, the reception card
 * re-checked after a walk-in decision). None may count as someone at the desk.
 */
const POLLED: { readonly [N in OperationName]?: InputOf<N> } = {
  syncStatus: {},
  listConflicts: {},
  deviceStatus: {},
  enrollmentStatus: {},
  whoAmI: {},
  vaccinationQueue: {},
  todayCounts: {},
  observationBoard: {},
  observationTimes: {},
  listLots: {},
  listDesks: {},
  listProducts: {},
  listWalkIns: {},
  dosesToday: {},
  listStaff: {},
  ticketVerdict: { municipality: DEMO_MUNICIPALITY, number: T.ok },
};

describe('reads the screens make on their own', () => {
  it('are all passive', () => {
    const active = Object.keys(POLLED).filter((name) => !(operations[name as OperationName] as { passive?: true }).passive);
    expect(active).toEqual([]);
  });

  for (const [name, input] of Object.entries(POLLED)) {
    it(`${name}, polled every minute, does not keep the session from locking after the idle time`, () => {
      const venue = newVenue();
      const desk = venue.signIn('supervisor');
      for (let minute = 1; minute <= DEFAULT_IDLE_LOCK_MINUTES + 1; minute++) {
        venue.clock.advance(60_000);
        const reply = desk.call(name as OperationName, input as never);
        // Answered while the session is fresh (refused once locked: the lock is what the test waits for).
        if (minute === 1) expect(reply.ok).toBe(true);
      }
      expect(desk.ok('whoAmI', {}).locked).toBe(true);
    });
  }

  it('a real action still keeps the session open', () => {
    const venue = newVenue();
    const desk = venue.signIn('supervisor');
    for (let minute = 1; minute <= DEFAULT_IDLE_LOCK_MINUTES + 1; minute++) {
      venue.clock.advance(60_000);
      desk.ok('syncStatus', {});
      if (minute % 3 === 0) desk.ok('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.ok });
    }
    expect(desk.ok('whoAmI', {}).locked).toBe(false);
  });
});
