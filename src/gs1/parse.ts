/**
 * Reading GS1 element strings from vaccine packs (docs/domain.md "Vaccine packs and
 * lots"): GS1 DataBar + composite on vials, DataBar on sales packs, GS1-128 on
 * cases, GS1 DataMatrix on imported packs. Scanning the lot instead of typing
 * it is the point: typed lots and expiries are wrong a third of the time.
 *
 * Accepts what desk scanners really send: raw element strings with GS (0x1D),
 * the same with GS lost or spelled out, the parenthesised human-readable form
 * and the spaced form people copy from a label. Never throws.
 *
 * Pure code: also runs in the renderer and on the central service.
 */
import type { StaffText } from '../common/messages';
import { text } from '../common/messages';
import { isCalendarDate, venueDate } from '../common/time';
import { containsIndividualNumber } from '../privacy/individual-number';
import { isValidGtin } from './gtin';

export interface Gs1Element {
  ai: string;
  value: string;
}

export interface Gs1Scan {
  ok: true;
  /** (01), GTIN-14 with a valid check digit. */
  gtin: string | null;
  /** (17) as YYYY-MM-DD; DD = 00 on the pack becomes the month's last day. */
  expiry: string | null;
  /** (10) as encoded: case-sensitive, GS1 character set 82. */
  lot: string | null;
  /** (21) */
  serial: string | null;
  /** Every element read, in order, duplicates of equal value kept once. */
  elements: Gs1Element[];
}

export type Gs1ErrorCode =
  | 'EMPTY'
  | 'NOT_GS1'
  | 'BAD_GTIN_CHECK_DIGIT'
  | 'BAD_DATE'
  | 'BAD_LENGTH'
  | 'BAD_CHARACTER'
  | 'UNKNOWN_AI'
  | 'DUPLICATE_AI'
  | 'INDIVIDUAL_NUMBER';

export const GS1_ERROR_CODES: readonly Gs1ErrorCode[] = [
  'EMPTY',
  'NOT_GS1',
  'BAD_GTIN_CHECK_DIGIT',
  'BAD_DATE',
  'BAD_LENGTH',
  'BAD_CHARACTER',
  'UNKNOWN_AI',
  'DUPLICATE_AI',
  'INDIVIDUAL_NUMBER',
];

export interface Gs1Error {
  ok: false;
  code: Gs1ErrorCode;
  /** The AI concerned, when there is one. */
  ai?: string;
  message: StaffText;
}

export type Gs1Result = Gs1Scan | Gs1Error;

export interface Gs1ParseOptions {
  /** YYYY-MM-DD; fixes the century of two-digit years. Defaults to the venue's date today. */
  today?: string;
}

// ------------------------------------------------------------ AI table

type Charset = 'digits' | 'cset82';

interface AiSpec {
  /** Fixed length, or null for variable length up to max. */
  readonly fixed: number | null;
  readonly max: number;
  readonly charset: Charset;
  readonly date?: true;
  readonly gtin?: true;
}

const fixed = (length: number, extra: Partial<AiSpec> = {}): AiSpec => ({
  fixed: length,
  max: length,
  charset: 'digits',
  ...extra,
});
const variable = (max: number, charset: Charset): AiSpec => ({ fixed: null, max, charset });

/** Only the AIs a vaccine pack or case carries; anything else is refused by name. */
const AI_SPECS: ReadonlyMap<string, AiSpec> = new Map([
  ['00', fixed(18)],
  ['01', fixed(14, { gtin: true })],
  ['02', fixed(14)],
  ['10', variable(20, 'cset82')],
  ['11', fixed(6, { date: true })],
  ['13', fixed(6)],
  ['15', fixed(6)],
  ['16', fixed(6)],
  ['17', fixed(6, { date: true })],
  ['20', fixed(2)],
  ['21', variable(20, 'cset82')],
  ['240', variable(30, 'cset82')],
  ['241', variable(30, 'cset82')],
  ['30', variable(8, 'digits')],
  ['7003', fixed(10)],
]);

/** GS1 fixes an AI's length by its first two digits; used to read (and name) unknown AIs too. */
function aiLengthFor(firstTwo: string): number {
  const n = Number(firstTwo);
  if ([23, 24, 25, 40, 41, 42, 43].includes(n)) return 3;
  if ((n >= 31 && n <= 36) || n === 39 || (n >= 70 && n <= 72) || (n >= 80 && n <= 82)) return 4;
  return 2;
}

/** GS1 AI encodable character set 82. */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
const DIGITS = /^[0-9]*$/;

// ------------------------------------------------------------ messages

const PICK = {
  ja: 'もう一度読み取るか、ロット一覧から選んでください。',
  en: 'Scan again, or pick the lot from the list.',
};

const AI_NAMES: Record<string, StaffText> = {
  '01': text('商品コード', 'product code'),
  '10': text('ロット番号', 'lot number'),
  '11': text('製造日', 'production date'),
  '17': text('有効期限', 'expiry date'),
  '21': text('シリアル番号', 'serial number'),
  '30': text('数量', 'count'),
};

function aiLabel(ai: string): StaffText {
  const name = AI_NAMES[ai];
  return name ? text(`${name.ja}(${ai})`, `${name.en} (${ai})`) : text(`項目(${ai})`, `item (${ai})`);
}

function messageFor(code: Gs1ErrorCode, ai: string | undefined): StaffText {
  const label = ai === undefined ? text('バーコードの内容', 'barcode content') : aiLabel(ai);
  switch (code) {
    case 'EMPTY':
      return text(`何も読み取れませんでした。${PICK.ja}`, `Nothing was read. ${PICK.en}`);
    case 'NOT_GS1':
      return text(
        `ワクチンの箱・バイアルのバーコード(GS1)ではありません。接種券などを読み取っていないか確かめ、${PICK.ja}`,
        `This is not a vaccine pack barcode (GS1). Check that it was not a ticket or another code. ${PICK.en}`,
      );
    case 'BAD_GTIN_CHECK_DIGIT':
      return text(
        `商品コードの確認用の数字が合いません。読み取りの誤りです。${PICK.ja}`,
        `The product code does not pass its check digit: the barcode was misread. ${PICK.en}`,
      );
    case 'BAD_DATE':
      return text(`${label.ja}の日付がありえない日付です。読み取りの誤りです。${PICK.ja}`, `The ${label.en} is not a real date: the barcode was misread. ${PICK.en}`);
    case 'BAD_LENGTH':
      return text(`${label.ja}の桁数・文字数が正しくありません。${PICK.ja}`, `The ${label.en} has the wrong length. ${PICK.en}`);
    case 'BAD_CHARACTER':
      return text(`${label.ja}にバーコードで使えない文字が含まれています。${PICK.ja}`, `The ${label.en} contains characters a barcode cannot carry. ${PICK.en}`);
    case 'UNKNOWN_AI':
      return text(
        `このアプリが扱わない項目(${ai ?? '?'})が含まれています。ロット一覧から選んでください。`,
        `The barcode contains an item this app does not handle (${ai ?? '?'}). Pick the lot from the list.`,
      );
    case 'DUPLICATE_AI':
      return text(`${label.ja}が違う値で二度含まれています。${PICK.ja}`, `The ${label.en} appears twice with different values. ${PICK.en}`);
    case 'INDIVIDUAL_NUMBER':
      // No digit of the number may reach the screen.
      return text(
        '個人番号(マイナンバー)が読み取られました。個人番号はここで読み取ったり入力したりしてはいけません。ワクチンの箱のバーコードを読み取るか、ロット一覧から選んでください。',
        'An individual number (My Number) was read. The individual number must never be scanned or typed here. Scan the barcode on the vaccine pack, or pick the lot from the list.',
      );
  }
}

interface Failure {
  ok: false;
  code: Gs1ErrorCode;
  ai?: string;
  /** The problem is at the very first AI: without GS1 markers, this is some other code. */
  atStart?: boolean;
}

function failure(code: Gs1ErrorCode, ai?: string): Failure {
  return ai === undefined ? { ok: false, code } : { ok: false, code, ai };
}

function toError(f: Failure): Gs1Error {
  const base = { ok: false as const, code: f.code, message: messageFor(f.code, f.ai) };
  return f.ai === undefined ? base : { ...base, ai: f.ai };
}

// ------------------------------------------------------- normalisation

const GS = '\u001D';
/** AIM identifiers of GS1 symbologies: GS1-128, GS1 DataMatrix, DataBar (and composite), GS1 QR, GS1 DotCode. */
const GS1_AIMS = new Set([']C1', ']d2', ']e0', ']e1', ']e2', ']Q3', ']J1']);
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

/**
 * Keyboard-wedge scanners that cannot type GS spell it out. `\x1d` and `^]`
 * cannot occur in GS1 data (backslash and caret are outside set 82); `<GS>`
 * could in theory, but no real lot number is spelled that way.
 */
function restoreGs(value: string): string {
  return value.replace(/<GS>|\\x1d|\^\]/gi, GS);
}

/** Whitespace and control characters around a read (CR, LF, TAB…); GS is data here. */
function trimEdges(value: string): string {
  const junk = (ch: string) => ch !== GS && (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch.trim() === '');
  let start = 0;
  let end = value.length;
  while (start < end && junk(value.charAt(start))) start++;
  while (end > start && junk(value.charAt(end - 1))) end--;
  return value.slice(start, end);
}

function stripLeadingGs(value: string): string {
  let i = 0;
  while (value.charAt(i) === GS) i++;
  return value.slice(i);
}

// ------------------------------------------------------------ splitting

type Split = { ok: true; elements: Gs1Element[] } | Failure;

/** Reads AI + value pairs from a raw element string, fixed lengths from the table, variable ones up to GS. */
function splitRaw(s: string): Split {
  const elements: Gs1Element[] = [];
  let pos = 0;
  while (pos < s.length) {
    if (s.charAt(pos) === GS) {
      pos++;
      continue;
    }
    const atStart = elements.length === 0;
    const firstTwo = s.slice(pos, pos + 2);
    if (!/^[0-9]{2}$/.test(firstTwo)) {
      return { ...failure(firstTwo.length < 2 ? 'BAD_LENGTH' : 'BAD_CHARACTER', elements.at(-1)?.ai), atStart };
    }
    const ai = s.slice(pos, pos + aiLengthFor(firstTwo));
    const spec = AI_SPECS.get(ai);
    if (!spec) return { ...failure('UNKNOWN_AI', DIGITS.test(ai) ? ai : firstTwo), atStart };
    pos += ai.length;
    // A variable field runs to GS, or to the end when the scanner dropped GS.
    const gsAt = s.indexOf(GS, pos);
    const length = spec.fixed ?? (gsAt < 0 ? s.length : gsAt) - pos;
    const value = s.slice(pos, pos + length);
    if (spec.fixed !== null && (value.length < spec.fixed || value.includes(GS))) return failure('BAD_LENGTH', ai);
    elements.push({ ai, value });
    pos += value.length;
  }
  return { ok: true, elements };
}

/** Spaces and GS around a parenthesised value are layout, not data. */
function trimValue(value: string): string {
  let out = value;
  for (let before = ''; before !== out; ) {
    before = out;
    out = stripLeadingGs(trimEdges(out));
    while (out.endsWith(GS)) out = out.slice(0, -1);
  }
  return out;
}

/** `(01)04987123456784(17)271231(10)AB1234`: the parentheses delimit, so no lengths are inferred. */
function splitParenthesised(s: string): Split {
  const marks = [...s.matchAll(/\(([0-9]{2,4})\)/g)];
  const first = marks[0];
  if (!first || first.index !== 0) return { ...failure('NOT_GS1'), atStart: true };
  const elements = marks.map((mark, i) => {
    const start = mark.index + mark[0].length;
    const end = marks[i + 1]?.index ?? s.length;
    return { ai: mark[1] ?? '', value: trimValue(s.slice(start, end)) };
  });
  return { ok: true, elements };
}

/**
 * `01 04987123456784 17 271231 10 AB1234` (docs/domain.md) and variants such as
 * `0104987123456784 17271231`: a token that is exactly a known AI takes the
 * next token as its value; any other space ends a field, like GS.
 */
function spacedToRaw(s: string): string {
  const tokens = s.split(/\s+/).filter((t) => t !== '');
  const chunks: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const next = tokens[i + 1];
    if (AI_SPECS.has(token) && next !== undefined) {
      chunks.push(token + next);
      i++;
    } else {
      chunks.push(token);
    }
  }
  return chunks.join(GS);
}

// ---------------------------------------------------------- validation

/** Two-digit years: GS1 General Specifications put them within −49…+50 years of today. */
export function gs1FullYear(yy: number, thisYear: number): number {
  const century = thisYear - (thisYear % 100);
  const diff = yy - (thisYear % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** YYMMDD → YYYY-MM-DD, DD = 00 meaning the month's last day; null if no such date. */
export function gs1DateToIso(yymmdd: string, thisYear: number): string | null {
  const m = /^([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(yymmdd);
  if (!m) return null;
  const year = gs1FullYear(Number(m[1]), thisYear);
  const month = Number(m[2]);
  let day = Number(m[3]);
  if (month < 1 || month > 12) return null;
  if (day === 0) day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const iso = `${year}-${pad2(month)}-${pad2(day)}`;
  return isCalendarDate(iso) ? iso : null;
}

function checkElement(el: Gs1Element, thisYear: number): Failure | null {
  const spec = AI_SPECS.get(el.ai);
  if (!spec) return failure('UNKNOWN_AI', el.ai);
  const { value } = el;
  if (spec.fixed !== null ? value.length !== spec.fixed : value.length < 1 || value.length > spec.max) {
    return failure('BAD_LENGTH', el.ai);
  }
  if (!(spec.charset === 'digits' ? DIGITS : CSET82).test(value)) return failure('BAD_CHARACTER', el.ai);
  if (spec.gtin && !isValidGtin(value)) return failure('BAD_GTIN_CHECK_DIGIT', el.ai);
  if (spec.date && gs1DateToIso(value, thisYear) === null) return failure('BAD_DATE', el.ai);
  return null;
}

/** Same AI twice is harmless when the values agree (some labels repeat the GTIN); otherwise refuse. */
function dedupe(elements: Gs1Element[]): Gs1Element[] | Failure {
  const seen = new Map<string, string>();
  const kept: Gs1Element[] = [];
  for (const el of elements) {
    const before = seen.get(el.ai);
    if (before === undefined) {
      seen.set(el.ai, el.value);
      kept.push(el);
    } else if (before !== el.value) {
      return failure('DUPLICATE_AI', el.ai);
    }
  }
  return kept;
}

function currentYear(today: unknown): number {
  const date = typeof today === 'string' && isCalendarDate(today) ? today : venueDate(new Date());
  return Number(date.slice(0, 4));
}

// ---------------------------------------------------------------- parse

function parseUnguarded(raw: unknown, options: Gs1ParseOptions | undefined): Gs1Result | Failure {
  if (typeof raw !== 'string') return failure(raw === null || raw === undefined ? 'EMPTY' : 'NOT_GS1');
  const trimmed = trimEdges(restoreGs(raw.normalize('NFKC')));
  if (trimmed === '') return failure('EMPTY');
  const read = readElements(trimmed, options);
  // The individual number (src/privacy) must pass neither as a pack's lot or serial nor as
  // anything else that was scanned, not even as an "unknown AI" or as a lot alone ("10…").
  // A read with a product code (a GTIN, which carries its own check digit and is longer
  // than twelve digits) is judged element by element, so that its dates and codes side by
  // side are not taken for a number; anything else is judged whole.
  const byElement = read.ok && read.gtin !== null;
  const carries = byElement ? read.elements.some((el) => containsIndividualNumber(el.value)) : containsIndividualNumber(trimmed.replace(AIM_PREFIX, ''));
  return carries ? failure('INDIVIDUAL_NUMBER') : read;
}

function readElements(trimmed: string, options: Gs1ParseOptions | undefined): Gs1Result | Failure {
  const aim = AIM_PREFIX.exec(trimmed)?.[0];
  if (aim !== undefined && !GS1_AIMS.has(aim)) return failure('NOT_GS1');
  const body = stripLeadingGs(trimEdges(aim ? trimmed.slice(aim.length) : trimmed));
  if (body === '') return failure('EMPTY');

  const marked = aim !== undefined || trimmed.includes(GS) || body.startsWith('(');
  // 18 or 10 bare digits are a ticket's QR or NW-7 content, not a pack.
  if (!marked && /^(?:[0-9]{10}|[0-9]{18})$/.test(body)) return failure('NOT_GS1');

  const split = body.startsWith('(')
    ? splitParenthesised(body)
    : splitRaw(/\s/.test(body) ? spacedToRaw(body) : body);
  if (!split.ok) return !marked && split.atStart ? failure('NOT_GS1') : failure(split.code, split.ai);
  if (split.elements.length === 0) return failure('EMPTY');

  const thisYear = currentYear(options?.today);
  for (const el of split.elements) {
    const problem = checkElement(el, thisYear);
    if (problem) return problem;
  }
  const elements = dedupe(split.elements);
  if (!Array.isArray(elements)) return elements;

  const valueOf = (ai: string) => elements.find((el) => el.ai === ai)?.value ?? null;
  const expiry = valueOf('17');
  return {
    ok: true,
    gtin: valueOf('01'),
    expiry: expiry === null ? null : gs1DateToIso(expiry, thisYear),
    lot: valueOf('10'),
    serial: valueOf('21'),
    elements,
  };
}

/**
 * Reads a GS1 element string from a vaccine pack or case, in any of the forms
 * desk scanners and people produce. Never throws.
 */
export function parseGs1(raw: string, options?: Gs1ParseOptions): Gs1Result {
  try {
    const result = parseUnguarded(raw, options);
    return result.ok ? result : toError(result);
  } catch {
    // Unreachable by design; a scanner must never be able to crash the desk.
    return toError(failure('NOT_GS1'));
  }
}
