/**
 * Clocks for hosts whose venue time must be known: "today at 10:40" runs on
 * from the given time at the real pace, so a test can count on which booking
 * slots are still to come whatever the hour it runs at. The date stays the
 * real venue date, as the page's own clock sees it.
 */
import { venueDate, type Clock } from '../../../src/common/time';

/** A clock whose venue time was `hhmm` today when it was made, and runs on in real time. */
export function venueClockAt(hhmm: string): Clock {
  const start = Date.now();
  const target = new Date(`${venueDate(new Date(start))}T${hhmm}:00.000+09:00`).getTime();
  const delta = target - start;
  return { now: () => new Date(Date.now() + delta), monotonicMs: () => performance.now() };
}

/** A clock off by `offsetMs` from the real one (a desk whose clock was set wrong). */
export function skewedClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs), monotonicMs: () => performance.now() };
}

/**
 * The real clock, which the test may move forward (never back): the minutes
 * a person would wait for something (the next code of an authenticator app)
 * pass at once.
 */
export function forwardableClock(): { readonly clock: Clock; forward(ms: number): void } {
  let ahead = 0;
  return {
    clock: { now: () => new Date(Date.now() + ahead), monotonicMs: () => performance.now() + ahead },
    forward(ms: number) {
      if (ms > 0) ahead += ms;
    },
  };
}
