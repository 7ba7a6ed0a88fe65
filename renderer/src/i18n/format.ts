/**
 * Dates, times and durations as staff read them: the one module every
 * screen, the slip and the previews of exports and the printed report
 * write them through, so each kind of value has one style.
 *
 * - People's dates (birth, bookings, the day of a dose, the day a report
 *   is for): 和暦 and 西暦 side by side (formatDateBoth).
 * - Lot expiry: the 西暦 date alone, as printed on the vial (formatExpiry).
 * - Times: the venue's wall clock, 09:41 (formatTime); with a day, the 西暦
 *   date and the time (formatDateTime).
 * - What is left of a wait: 「あと14分05秒」, never 14:05, which reads as a
 *   clock time (formatCountdown); a length of time: 7分00秒 (formatDuration).
 *
 * Times are venue time (Japan, +09:00) whatever the device's own time zone.
 */
import { parseInstant, venueDate, venueTime } from '../../../src/common/time';
import type { Language } from '../stores/prefs';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcDate(iso: string): Date | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

export interface TwoCalendars {
  /** 和暦, e.g. 昭和33年4月12日 or Shōwa 33 */
  readonly wareki: string;
  /** 西暦, e.g. 1958年4月12日 or 12 Apr 1958 */
  readonly seireki: string;
}

/** The 西暦 date alone: 1958年4月12日 / 12 Apr 1958 (weekday optional). */
function seireki(date: Date, language: Language, weekday: boolean): string {
  const day = weekday ? ({ weekday: 'short' } as const) : {};
  return language === 'ja'
    ? formatter('ja-JP', { year: 'numeric', month: 'long', day: 'numeric', ...day, timeZone: 'UTC' }).format(date)
    : formatter('en-GB', { year: 'numeric', month: 'short', day: 'numeric', ...day, timeZone: 'UTC' }).format(date);
}

/** A calendar date (YYYY-MM-DD) in both calendars; weekday optional. */
export function formatDate(iso: string, language: Language, options: { weekday?: boolean } = {}): TwoCalendars {
  const date = utcDate(iso);
  if (!date) return { wareki: iso, seireki: iso };
  if (language === 'ja') {
    return {
      wareki: formatter('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(date),
      seireki: seireki(date, language, options.weekday ?? false),
    };
  }
  const parts = formatter('en-US-u-ca-japanese', { era: 'long', year: 'numeric', timeZone: 'UTC' }).formatToParts(date);
  const era = parts.find((p) => p.type === 'era')?.value ?? '';
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  return { wareki: `${era} ${year}`.trim(), seireki: seireki(date, language, options.weekday ?? false) };
}

/** A person's date in both calendars in one line: 昭和33年4月12日（1958年4月12日）. */
export function formatDateBoth(iso: string, language: Language, options: { weekday?: boolean } = {}): string {
  const { wareki, seireki: western } = formatDate(iso, language, options);
  return language === 'ja' ? `${wareki}（${western}）` : `${western} (${wareki})`;
}

/** A lot's expiry (YYYY-MM-DD), as the vial prints it: 2027年3月31日 / 31 Mar 2027. */
export function formatExpiry(iso: string, language: Language): string {
  const date = utcDate(iso);
  return date ? seireki(date, language, false) : iso;
}

/** The venue's wall-clock time of an instant: 09:41. */
export function formatTime(instant: string): string {
  const at = parseInstant(instant);
  return at ? venueTime(at) : instant;
}

/** Day and time of an instant in venue time: 2026年11月23日 09:41 / 23 Nov 2026 09:41. */
export function formatDateTime(instant: string, language: Language): string {
  const at = parseInstant(instant);
  if (!at) return instant;
  return `${formatExpiry(venueDate(at), language)} ${venueTime(at)}`;
}

function minutesSeconds(totalSeconds: number, language: Language): string {
  const minutes = Math.floor(totalSeconds / 60);
  const rest = String(totalSeconds % 60).padStart(2, '0');
  return language === 'ja' ? `${minutes}分${rest}秒` : `${minutes} min ${rest} s`;
}

/** 420 → 7分00秒 / 7 min 00 s; a median can be fractional, so it is rounded. */
export function formatDuration(seconds: number, language: Language): string {
  return minutesSeconds(Math.max(0, Math.round(seconds)), language);
}

/**
 * A live countdown (milliseconds left): 「あと14分05秒」 / "14 min 05 s left";
 * once the time is up, how far past it: 「2分10秒 超過」 / "over by 2 min 10 s".
 */
export function formatCountdown(msLeft: number, language: Language): string {
  if (msLeft >= 0) {
    const left = minutesSeconds(Math.ceil(msLeft / 1000), language);
    return language === 'ja' ? `あと${left}` : `${left} left`;
  }
  const over = minutesSeconds(Math.floor(-msLeft / 1000), language);
  return language === 'ja' ? `${over} 超過` : `over by ${over}`;
}
