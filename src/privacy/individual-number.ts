/**
 * The one detector of the individual number (個人番号, My Number). Every way
 * in uses it: the device contract (a zod refinement on every text field, see
 * schema.ts), scanned tickets and packs, CSV imports, the central service's
 * uploads, enrollment and admin command line, and both VRS exports as a last
 * line of defence. Pure code: no I/O, no transport; the renderer uses it too.
 *
 * THE RULE
 *
 * 1. The text is NFKC-normalised (full-width digits and separators become
 *    ASCII). Every character is then a digit (any Unicode decimal digit, by
 *    its value: Arabic-Indic, Devanagari… count too), a separator, or a
 *    boundary. Separators are spaces, punctuation, symbols, control and
 *    format characters (zero-width spaces, joiners, soft hyphens, BOM),
 *    combining marks, and letters used as dashes (ー, 一, Hangul fillers).
 *    Boundaries are letters: Latin, kana, kanji.
 * 2. A run is a stretch of digit groups joined by runs of separators, between
 *    boundaries: `番号は1234.5678.9018です` holds the run 1234 / 5678 / 9018;
 *    `L123456789018` and `123456789018@example.jp` hold 123456789018.
 * 3. A candidate is any window of whole, consecutive groups of a run with
 *    exactly 12 digits whose 12th digit is the individual-number check digit
 *    of the first eleven (docs/domain.md). A group is never cut: 13 or 18 digits
 *    written in one piece (a JAN code, a ticket) hold no candidate.
 * 4. The run is read left to right for numbers of known kinds that are
 *    written next to each other in real text (number-kinds.ts): an 18-digit
 *    ticket typed in groups, dates, times (also "1000" right after a date),
 *    phone numbers (domestic and +81), postal codes, IPv4 addresses, blood
 *    pressures, body temperatures, and a last group with a counter or unit
 *    after it (90歳, 12時). A candidate made only of groups claimed this way
 *    is not an individual number; any other candidate is.
 * 5. Canonical UUIDs (8-4-4-4-12 hex) are ids the software makes; their
 *    digits are not read.
 *
 * WHY THIS SHAPE
 *
 * Staff type, paste and scan numbers with any separator, so any separator
 * joins groups; a number hidden in a name, a lot or an e-mail address is
 * still bounded by letters, so letters end a run but never hide a number. A
 * 12-digit window of whole groups is what "12 digits, however separated"
 * means inside longer text. But a window over unrelated numbers has a valid
 * check digit one time in eleven, which is why the old 4-4-4 search refused
 * one ticket in ten typed with spaces and "2026-11-01 1000 に発熱あり". Those
 * windows are made of groups that read as something else, so rule 4 lets
 * them through, while a window with even one group that reads as nothing
 * known is refused. Every kind is narrow (values in range, group sizes,
 * its own separator), so few individual numbers can be dressed up as one.
 *
 * WHAT IS KNOWN TO GET THROUGH (accepted)
 *
 * - A number whose digits happen to read as known kinds and are written that
 *   way: 2026-11-01 1000 (a date and a time) is 202611011000; an 18-digit
 *   valid ticket typed in groups may carry one in its last twelve digits.
 *   Only a deliberate effort does this; the detector stops mistakes and the
 *   casual copy, not a determined insider (who could also spell digits in
 *   kanji, 一二三, which this rule does not read).
 * - Digits cut by letters (1234a5678b9018) or with extra digits added.
 * - A number hidden as the last group of a canonical UUID.
 *
 * WHAT IS STILL REFUSED THOUGH IT MAY BE LEGITIMATE (accepted)
 *
 * - Twelve digits in one piece or in groups that read as nothing known, with
 *   a valid check digit: a 12-digit lot or reference number one time in 11.
 * - Several unrelated small numbers written side by side with only spaces or
 *   punctuation between them (a list of 1-digit answers, "2107 2026-11-01")
 *   one time in 11 when they add up to 12 digits. Words between them avoid it.
 *
 * Refusals built on this never echo the value (maskIndividualNumbers hides
 * what was found, for error text that must quote something).
 */
import { isValidMyNumber } from './checkdigits';
import { coveredGroups } from './number-kinds';

const DIGITS = 12;
const SEPARATOR = -1;
const BOUNDARY = -2;

const DECIMAL_DIGIT = /\p{Nd}/u;
const SEPARATOR_CLASS = /[\p{Z}\p{P}\p{S}\p{C}\p{M}]/u;
/** Letters people type as dashes or blanks: ー (long vowel mark), 一 (kanji one), Hangul fillers. */
const LETTERS_AS_SEPARATORS = new Set([0x30fc, 0x4e00, 0x115f, 0x1160, 0x3164, 0xffa0]);
const UUID = /(?<![0-9A-Za-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9A-Za-z])/gi;

const classes = new Map<number, number>();

/** The value of a decimal digit: Unicode puts each script's digits 0–9 in a row, rows back to back. */
function digitValue(cp: number): number {
  let zero = cp;
  while (zero > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return (cp - zero) % 10;
}

/** 0–9 for a digit, SEPARATOR or BOUNDARY. */
function classify(cp: number): number {
  if (cp < 0x80) {
    if (cp >= 48 && cp <= 57) return cp - 48;
    return (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) ? BOUNDARY : SEPARATOR;
  }
  const known = classes.get(cp);
  if (known !== undefined) return known;
  const ch = String.fromCodePoint(cp);
  const kind = DECIMAL_DIGIT.test(ch) ? digitValue(cp) : LETTERS_AS_SEPARATORS.has(cp) || SEPARATOR_CLASS.test(ch) ? SEPARATOR : BOUNDARY;
  if (classes.size >= 4096) classes.clear();
  classes.set(cp, kind);
  return kind;
}

/** Kana, kanji, Hangul, Latin letters, CJK and full-width punctuation: NFKC makes no digit of them. */
function digitFree(c: number): boolean {
  return (
    (c >= 0x3000 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff9f) || (c >= 0xc0 && c <= 0x24f)
  );
}

/**
 * A cheap upper bound on the digits NFKC can make of the text (no code point
 * makes more than three, ⅒ → 1⁄10): most names, notes and CSV fields stop here
 * without being normalised.
 */
function mayHoldTwelveDigits(value: string): boolean {
  let bound = 0;
  for (let i = 0; i < value.length && bound < DIGITS; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) bound += c >= 48 && c <= 57 ? 1 : 0;
    else if (c >= 0xff10 && c <= 0xff19) bound += 1;
    else if (!digitFree(c)) bound += 3;
  }
  return bound >= DIGITS;
}

/** Where a found number lies in the normalised text (code units, end exclusive). */
interface Span {
  readonly start: number;
  readonly end: number;
}

interface Run {
  before: string;
  groups: string[];
  seps: string[];
  starts: number[];
  ends: number[];
}

/** Candidates of one run that are not made only of groups of known kinds. */
function* refusedWindows(text: string, run: Run): Generator<Span> {
  const lengths = run.groups.map((g) => g.length);
  if (lengths.reduce((a, b) => a + b, 0) < DIGITS) return;
  let covered: boolean[] | null = null;
  let b = 0;
  let sum = 0;
  for (let a = 0; a < lengths.length; a++) {
    while (b < lengths.length && sum < DIGITS) sum += lengths[b++] ?? 0;
    if (sum === DIGITS && isValidMyNumber(run.groups.slice(a, b).join(''))) {
      const lastEnd = run.ends[run.ends.length - 1] ?? text.length;
      covered ??= coveredGroups({ groups: run.groups, seps: run.seps, before: run.before, after: text.slice(lastEnd, lastEnd + 3) });
      if (covered.slice(a, b).includes(false)) yield { start: run.starts[a] ?? 0, end: run.ends[b - 1] ?? 0 };
    }
    sum -= lengths[a] ?? 0;
  }
}

function uuidSpans(text: string): Span[] {
  if (!text.includes('-')) return [];
  return [...text.matchAll(UUID)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** Every individual number in the (normalised) text. */
function* findIn(text: string): Generator<Span> {
  const uuids = uuidSpans(text);
  let run: Run = { before: '', groups: [], seps: [], starts: [], ends: [] };
  let group = '';
  let groupStart = 0;
  let sep = '';
  const closeGroup = (at: number) => {
    if (group === '') return;
    run.groups.push(group);
    run.starts.push(groupStart);
    run.ends.push(at);
    group = '';
  };
  let next = 0;
  for (let i = 0; i <= text.length; ) {
    while ((uuids[next]?.end ?? Infinity) <= i) next++;
    const uuid = (uuids[next]?.start ?? Infinity) <= i ? uuids[next] : undefined;
    const cp = i < text.length ? (text.codePointAt(i) ?? 0) : 0;
    const width = cp > 0xffff ? 2 : 1;
    const kind = i === text.length || uuid ? BOUNDARY : classify(cp);
    if (kind >= 0) {
      if (group === '') {
        groupStart = i;
        run.seps.push(sep);
        sep = '';
      }
      group += String(kind);
    } else {
      closeGroup(i);
      if (kind === SEPARATOR) sep += text.slice(i, i + width);
      else {
        if (run.groups.length > 0) yield* refusedWindows(text, run);
        run = { before: uuid ? '' : String.fromCodePoint(cp), groups: [], seps: [], starts: [], ends: [] };
        sep = '';
      }
    }
    i = uuid ? uuid.end : i + width;
  }
}

/**
 * True when the text carries an individual number, by the rule above.
 * Anything but a string carries none.
 */
export function containsIndividualNumber(value: unknown): boolean {
  if (typeof value !== 'string' || !mayHoldTwelveDigits(value)) return false;
  return !findIn(value.normalize('NFKC')).next().done;
}

/**
 * The text with the digits of every individual number in it replaced by `*`
 * (normalised, when there was one; unchanged otherwise): for messages that
 * must quote something that may hold one, as a last line of defence.
 */
export function maskIndividualNumbers(value: string): string {
  if (!mayHoldTwelveDigits(value)) return value;
  const text = value.normalize('NFKC');
  const spans = [...findIn(text)];
  if (spans.length === 0) return value;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start);
    for (const ch of text.slice(span.start, span.end)) out += classify(ch.codePointAt(0) ?? 0) >= 0 ? '*' : ch;
    at = span.end;
  }
  return out + text.slice(at);
}
