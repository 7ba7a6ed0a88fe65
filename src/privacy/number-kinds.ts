/**
 * The kinds of number that legitimately stand next to each other in text
 * typed at a venue: tickets, dates, times, phone numbers, postal codes, IP
 * addresses, blood pressures, body temperatures, counted quantities. The
 * individual-number detector (individual-number.ts) reads a run of digit
 * groups left to right and marks the groups that belong to one of these; a
 * 12-digit window made only of marked groups is not refused.
 *
 * Each kind is narrow on purpose (value ranges, group sizes, the separator
 * between its groups): the narrower a kind, the fewer individual numbers can
 * be written so that they read as one. Pure code.
 */
import { isValidMunicipalityCode } from './checkdigits';

/** A run of digit groups: `groups[i]` (ASCII digits), `seps[i]` the separators just before it, `after` the text right after the last group. */
export interface DigitRun {
  readonly groups: readonly string[];
  readonly seps: readonly string[];
  /** The letter just before the run ('' at the start of the text). */
  readonly before: string;
  readonly after: string;
}

const WHITESPACE_OR_HYPHEN = /^[\s\-‐-―−ー]+$/u;

function within(value: string, min: number, max: number): boolean {
  const n = Number(value);
  return n >= min && n <= max;
}

/** Groups i.. whose digits add up to exactly `total`, as a count of groups (0 when they do not). */
function groupsSumming(run: DigitRun, i: number, total: number): number {
  let sum = 0;
  for (let j = i; j < run.groups.length; j++) {
    sum += run.groups[j]?.length ?? 0;
    if (sum === total) return j - i + 1;
    if (sum > total) return 0;
  }
  return 0;
}

function digitsOf(run: DigitRun, i: number, n: number): string {
  return run.groups.slice(i, i + n).join('');
}

/**
 * An 18-digit ticket line (kind, dose ≠ 0, municipality code with its check
 * digit, ticket number) typed in groups separated by spaces or hyphens, as
 * people copy it from the ticket.
 */
function ticket(run: DigitRun, i: number): number {
  const n = groupsSumming(run, i, 18);
  if (n < 2) return 0;
  for (let j = i + 1; j < i + n; j++) if (!WHITESPACE_OR_HYPHEN.test(run.seps[j] ?? '')) return 0;
  const digits = digitsOf(run, i, n);
  return digits[1] !== '0' && isValidMunicipalityCode(digits.slice(2, 8)) ? n : 0;
}

function isYear(g: string): boolean {
  return g.length === 4 && within(g, 1900, 2099);
}

function isMonth(g: string): boolean {
  return g.length <= 2 && within(g, 1, 12);
}

function isDay(g: string): boolean {
  return g.length <= 2 && within(g, 1, 31);
}

/** One date separator, the same between year, month and day. */
function dateSep(sep: string | undefined): boolean {
  return sep === '-' || sep === '/' || sep === '.';
}

/** 2026-11-01, 2026/11/1, 2026.11.01, 20261101; 2027-06 (a month). */
function date(run: DigitRun, i: number): number {
  const [y, m, d] = [run.groups[i] ?? '', run.groups[i + 1] ?? '', run.groups[i + 2] ?? ''];
  if (y.length === 8) return isYear(y.slice(0, 4)) && isMonth(y.slice(4, 6)) && isDay(y.slice(6)) ? 1 : 0;
  if (!isYear(y) || !dateSep(run.seps[i + 1]) || !isMonth(m)) return 0;
  if (run.seps[i + 2] === run.seps[i + 1] && isDay(d)) return 3;
  return 2;
}

/** 11/01 (month and day). */
function monthDay(run: DigitRun, i: number): number {
  const [m, d] = [run.groups[i] ?? '', run.groups[i + 1] ?? ''];
  return run.seps[i + 1] === '/' && isMonth(m) && isDay(d) ? 2 : 0;
}

/** 9:05, 10:00, 10:00:00, 10:00:00.123. */
function time(run: DigitRun, i: number): number {
  const [h, m, s, f] = [run.groups[i] ?? '', run.groups[i + 1] ?? '', run.groups[i + 2] ?? '', run.groups[i + 3] ?? ''];
  if (h.length > 2 || !within(h, 0, 24) || run.seps[i + 1] !== ':' || m.length !== 2 || !within(m, 0, 59)) return 0;
  if (run.seps[i + 2] !== ':' || s.length !== 2 || !within(s, 0, 60)) return 2;
  if (run.seps[i + 3] !== '.' || f.length > 9) return 3;
  return 4;
}

/**
 * Right after a date only: 1000 or 100000 (HHMM, HHMMSS), as in
 * "2026-11-01 1000"; after a date in one piece joined by - or _, a serial
 * number of up to six digits, as ids are made (BK20261101-0042).
 */
function afterDate(run: DigitRun, i: number): number {
  const g = run.groups[i] ?? '';
  const compactDate = (run.groups[i - 1] ?? '').length === 8;
  if (compactDate && (run.seps[i] === '-' || run.seps[i] === '_') && g.length <= 6) return 1;
  if (g.length !== 4 && g.length !== 6) return 0;
  const ok = within(g.slice(0, 2), 0, 24) && within(g.slice(2, 4), 0, 59) && (g.length === 4 || within(g.slice(4), 0, 60));
  return ok ? 1 : 0;
}

/** A Japanese era date right after its era, R8.11.01 or 令和8.11.1: year 1–64, month, day, joined by dots or slashes. */
function eraDate(run: DigitRun, i: number): number {
  const [y, m, d] = [run.groups[i] ?? '', run.groups[i + 1] ?? '', run.groups[i + 2] ?? ''];
  if (i !== 0 || run.seps[0] !== '' || !/[MTSHRmtshr治正和成]$/u.test(run.before)) return 0;
  if (y.length > 2 || !within(y, 1, 64) || !isMonth(m) || !isDay(d)) return 0;
  return (run.seps[1] === '.' || run.seps[1] === '/') && run.seps[2] === run.seps[1] ? 3 : 0;
}

/**
 * A Japanese phone number: 10 digits (landline, 0120, 0570) or 11 (mobile,
 * IP, 0800), starting with 0, in one piece or in two or three groups, the
 * last of three being 3 or 4 digits: 03-1234-5678, 090 1234 5678,
 * 03(1234)5678, 0120-123-456.
 */
function phone(run: DigitRun, i: number): number {
  const [a, b, c] = [run.groups[i] ?? '', run.groups[i + 1] ?? '', run.groups[i + 2] ?? ''];
  if (!a.startsWith('0')) return 0;
  const length = (s: string) => s.length === 10 || s.length === 11;
  if (a.length >= 2 && a.length <= 5 && b.length >= 1 && b.length <= 4 && (c.length === 3 || c.length === 4) && length(a + b + c)) return 3;
  if (a.length >= 2 && a.length <= 5 && b.length >= 4 && length(a + b)) return 2;
  return length(a) ? 1 : 0;
}

/** +81 90 1234 5678, +81-3-1234-5678, +81 (0)90 1234 5678, +819012345678: the country code right after a plus sign. */
function internationalPhone(run: DigitRun, i: number): number {
  if (!(run.seps[i] ?? '').endsWith('+') || !(run.groups[i] ?? '').startsWith('81')) return 0;
  let best = 0;
  for (let n = 1; n <= 5 && i + n <= run.groups.length; n++) {
    if (/^810?[1-9][0-9]{8,9}$/.test(digitsOf(run, i, n))) best = n;
  }
  return best;
}

/** 〒100-0001: three digits, a hyphen, four digits. */
function postalCode(run: DigitRun, i: number): number {
  const [a, b] = [run.groups[i] ?? '', run.groups[i + 1] ?? ''];
  return a.length === 3 && run.seps[i + 1] === '-' && b.length === 4 ? 2 : 0;
}

/** 192.168.100.200, and a port after it (192.168.100.200:8443): four numbers up to 255 joined by dots. */
function ipv4(run: DigitRun, i: number): number {
  for (let j = i; j < i + 4; j++) {
    const g = run.groups[j];
    if (g === undefined || g.length > 3 || !within(g, 0, 255)) return 0;
    if (j > i && run.seps[j] !== '.') return 0;
  }
  const port = run.groups[i + 4] ?? '';
  return run.seps[i + 4] === ':' && port.length >= 1 && port.length <= 5 && within(port, 0, 65535) ? 5 : 4;
}

/** A blood pressure, 120/80: systolic 60–260 over a lower diastolic 30–160. */
function bloodPressure(run: DigitRun, i: number): number {
  const [a, b] = [run.groups[i] ?? '', run.groups[i + 1] ?? ''];
  if (run.seps[i + 1] !== '/' || a.length < 2 || a.length > 3 || b.length < 2 || b.length > 3) return 0;
  return within(a, 60, 260) && within(b, 30, 160) && Number(a) > Number(b) ? 2 : 0;
}

/** A body temperature, 37.5: 34–42 degrees, one or two decimals. */
function temperature(run: DigitRun, i: number): number {
  const [a, b] = [run.groups[i] ?? '', run.groups[i + 1] ?? ''];
  return a.length === 2 && within(a, 34, 42) && run.seps[i + 1] === '.' && b.length >= 1 && b.length <= 2 ? 2 : 0;
}

/** Counters and units written right after a number: 90歳, 12時, 3名, 1500円, 5mL, 38℃ (°C after NFKC), 20%. */
const UNIT = /^(?:[時分秒歳才名人回日月年度個本件枚円番号階週錠滴台部室列組ヶケかカ]|°C?|%|m[lLg]|kg|cm|mm)/u;

type Kind = (run: DigitRun, i: number) => number;

/** In order: the first kind that claims groups at a place takes them. */
const KINDS: readonly Kind[] = [ticket, internationalPhone, eraDate, date, time, ipv4, bloodPressure, temperature, monthDay, phone, postalCode];

/** Groups each of which some kind above claims (the last one also when a unit follows it). */
export function coveredGroups(run: DigitRun): boolean[] {
  const covered = run.groups.map(() => false);
  let dated = false;
  for (let i = 0; i < run.groups.length; ) {
    let n = 0;
    let kind: Kind | null = null;
    for (const k of KINDS) {
      n = k(run, i);
      kind = k;
      if (n > 0) break;
    }
    if (n === 0 && dated) {
      n = afterDate(run, i);
      kind = afterDate;
    }
    if (n === 0) {
      dated = false;
      i += 1;
      continue;
    }
    // A full date (not a bare year and month) may be followed by a time written without a colon, or a serial.
    dated = (kind === date || kind === eraDate) && n !== 2;
    for (let j = i; j < i + n; j++) covered[j] = true;
    i += n;
  }
  const last = run.groups.length - 1;
  if (last >= 0 && (run.groups[last]?.length ?? 0) <= 4 && UNIT.test(run.after)) covered[last] = true;
  return covered;
}
