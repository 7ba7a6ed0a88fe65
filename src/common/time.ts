/**
 * Venue time. Every venue of this app is in Japan, which keeps one offset all
 * year (+09:00, no daylight saving), so local dates and times are computed by
 * shifting UTC rather than through a time-zone database.
 */
export const VENUE_UTC_OFFSET_MINUTES = 9 * 60;
const OFFSET_MS = VENUE_UTC_OFFSET_MINUTES * 60_000;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests and simulations that moves only when told. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date | string) {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(to: Date | string): void {
    this.ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.ms += ms;
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

/** Parses an ISO 8601 instant that carries an offset or Z; null when it does not. */
export function parseInstant(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}
