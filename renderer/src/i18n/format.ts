/**
 * Dates and times as staff read them. Dates of birth and bookings are shown
 * in 和暦 (the Japanese era) and 西暦 side by side; times are venue time
 * (Japan, +09:00) whatever the device's own time zone.
 */
import { parseInstant, venueTime } from '../../../src/common/time';
import type { Language } from '../stores/prefs';

const VENUE_TIME_ZONE = 'Asia/Tokyo';
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

/** A calendar date (YYYY-MM-DD) in both calendars; weekday optional. */
export function formatDate(iso: string, language: Language, options: { weekday?: boolean } = {}): TwoCalendars {
  const date = utcDate(iso);
  if (!date) return { wareki: iso, seireki: iso };
  const weekday = options.weekday ? ({ weekday: 'short' } as const) : {};
  if (language === 'ja') {
    return {
      wareki: formatter('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(date),
      seireki: formatter('ja-JP', { year: 'numeric', month: 'long', day: 'numeric', ...weekday, timeZone: 'UTC' }).format(date),
    };
  }
  const parts = formatter('en-US-u-ca-japanese', { era: 'long', year: 'numeric', timeZone: 'UTC' }).formatToParts(date);
  const era = parts.find((p) => p.type === 'era')?.value ?? '';
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  return {
    wareki: `${era} ${year}`.trim(),
    seireki: formatter('en-GB', { year: 'numeric', month: 'short', day: 'numeric', ...weekday, timeZone: 'UTC' }).format(date),
  };
}

/** Both calendars in one line: 昭和33年4月12日（1958年4月12日）. */
export function formatDateBoth(iso: string, language: Language, options: { weekday?: boolean } = {}): string {
  const { wareki, seireki } = formatDate(iso, language, options);
  return language === 'ja' ? `${wareki}（${seireki}）` : `${seireki} (${wareki})`;
}

/** The venue's wall-clock time of an instant: 09:41. */
export function formatTime(instant: string): string {
  const at = parseInstant(instant);
  return at ? venueTime(at) : instant;
}

/** Date and time of an instant in venue time, in the 西暦 calendar: 2026/11/23 09:41. */
export function formatDateTime(instant: string, language: Language): string {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return instant;
  const locale = language === 'ja' ? 'ja-JP' : 'en-GB';
  return formatter(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: VENUE_TIME_ZONE }).format(new Date(t));
}
