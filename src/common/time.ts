/**
 * Venue time. Every venue of this app is in Japan, which keeps one offset all
 * year (+09:00, no daylight saving), so local dates and times are computed by
 * shifting UTC rather than through a time-zone database.
 */
export const VENUE_UTC_OFFSET_MINUTES = 9 * 60;
const OFFSET_MS = VENUE_UTC_OFFSET_MINUTES * 60_000;

export interface Clock {
  /** Wall-clock time: what records say and people read. Someone may set it wrong, or change it. */
  now(): Date;
  /**
   * Milliseconds on a clock that only runs forward at a steady pace, whatever
   * the wall clock does (performance.now() by default): for how long
   * something lasted (the idle lock, a lock-out), never for what time it is.
   */
  monotonicMs?(): number;
}

export const systemClock: Clock = { now: () => new Date(), monotonicMs: () => performance.now() };

/** The clock's monotonic milliseconds (performance.now() for a clock that has none of its own). */
export function monotonicNow(clock: Clock): number {
  return clock.monotonicMs ? clock.monotonicMs() : performance.now();
}

/**
 * A clock for tests and simulations that moves only when told: advance()
 * is time passing (both clocks move), set() is someone changing the wall
 * clock (the monotonic one stays where it is).
 */
export class ManualClock implements Clock {
  private ms: number;
  private elapsed = 0;
  constructor(start: Date | string) {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  monotonicMs(): number {
    return this.elapsed;
  }
  set(to: Date | string): void {
    this.ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.ms += ms;
    this.elapsed += ms;
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The venue's calendar date of an instant, as YYYY-MM-DD. */
export function venueDate(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

/** The venue's wall-clock time of an instant, as HH:MM. */
export function venueTime(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS);
  return `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/** An instant written with the venue's offset, e.g. 2026-11-23T09:30:00.000+09:00. */
export function venueIso(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS);
  const ms = pad(local.getUTCMilliseconds(), 3);
  return `${venueDate(at)}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${ms}+09:00`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Days added to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Whole years from birth to a date (both YYYY-MM-DD): the age people say. */
export function ageOn(birthDate: string, onDate: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * True for an ISO 8601 instant with an offset or Z whose every part is real:
 * a calendar date (no 30 February), hours 00–23, minutes and seconds 00–59,
 * an offset within ±14:00. `2026-02-30T25:61:00Z` is not one (Date.parse
 * would roll it over into March, or give NaN, depending on the part).
 */
export function isCalendarInstant(value: string): boolean {
  const m = INSTANT.exec(value);
  if (!m) return false;
  const [, date, hh, mm, ss, sign, oh, om] = m;
  if (!isCalendarDate(date ?? '')) return false;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? '0') > 59) return false;
  if (sign && (Number(oh) > 14 || Number(om) > 59)) return false;
  return true;
}

/** Parses an ISO 8601 instant that carries an offset or Z; null when it does not, or is not a real date and time. */
export function parseInstant(value: string): Date | null {
  if (!isCalendarInstant(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}
