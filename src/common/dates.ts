/**
 * Calendar dates as staff read them, in one style wherever they are
 * written: on the screens (renderer/src/i18n/format.ts, which writes every
 * date through here) and in the words the core sends (refusals, checks,
 * discrepancies), so no ISO or yyyy/mm/dd date reaches staff.
 *
 * - A lot's expiry, or any day on its own: the 西暦 date, 2027年3月31日 /
 *   31 Mar 2027 (dateText).
 * - People's dates (birth, bookings, the day of a dose): 和暦 and 西暦 side
 *   by side, 昭和33年4月12日（1958年4月12日） (personDateText).
 *
 * Full ICU is in both Node and Chromium, so 和暦 comes from Intl.
 */
import { text, type StaffText } from './messages';

export type DateLanguage = 'ja' | 'en';

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
function seireki(date: Date, language: DateLanguage, weekday: boolean): string {
  const day = weekday ? ({ weekday: 'short' } as const) : {};
  return language === 'ja'
    ? formatter('ja-JP', { year: 'numeric', month: 'long', day: 'numeric', ...day, timeZone: 'UTC' }).format(date)
    : formatter('en-GB', { year: 'numeric', month: 'short', day: 'numeric', ...day, timeZone: 'UTC' }).format(date);
}

/** A calendar date (YYYY-MM-DD) in both calendars; weekday optional. Anything else is given back as it is. */
export function formatDate(iso: string, language: DateLanguage, options: { weekday?: boolean } = {}): TwoCalendars {
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
export function formatDateBoth(iso: string, language: DateLanguage, options: { weekday?: boolean } = {}): string {
  const { wareki, seireki: western } = formatDate(iso, language, options);
  return language === 'ja' ? `${wareki}（${western}）` : `${western} (${wareki})`;
}

/** A lot's expiry or a day on its own (YYYY-MM-DD): 2027年3月31日 / 31 Mar 2027. */
export function formatExpiry(iso: string, language: DateLanguage): string {
  const date = utcDate(iso);
  return date ? seireki(date, language, false) : iso;
}

/** A day on its own, for the words the core sends: { ja: 2027年3月31日, en: 31 Mar 2027 }. */
export function dateText(iso: string): StaffText {
  return text(formatExpiry(iso, 'ja'), formatExpiry(iso, 'en'));
}

/** A person's date (the day of a dose), for the words the core sends, in both calendars. */
export function personDateText(iso: string): StaffText {
  return text(formatDateBoth(iso, 'ja'), formatDateBoth(iso, 'en'));
}
