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
import { formatExpiry } from '../../../src/common/dates';
import type { Language } from '../stores/prefs';

// The dates themselves are written by the core's module, so the words the core sends read the same.
export { formatDate, formatDateBoth, formatExpiry, type TwoCalendars } from '../../../src/common/dates';

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
