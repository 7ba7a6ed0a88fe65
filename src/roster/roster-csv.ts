/**
 * The roster & bookings CSV that a municipality hands to the venue: one row
 * per ticket, or per ticket × booking. Format documented in docs/roster-csv.md.
 *
 * Pure code (venue app and central service). parseRosterCsv is a generator so
 * the caller can store a 1,000,000-row file row by row inside one transaction;
 * any problem is thrown as RosterImportError and the caller rolls everything
 * back. Memory stays small: the file is decoded a few MiB at a time and only
 * compact keys and hashes are kept to check rows against each other.
 *
 * The individual number (個人番号) must never come in: a column named like it,
 * or any field that holds one (src/privacy: twelve digits however separated,
 * also inside text), stops the import, and the error names the row and column
 * but never the value.
 */
import type { StaffText } from '../common/messages';
import { isCalendarDate } from '../common/time';
import { containsIndividualNumber } from '../privacy/individual-number';
import { isValidMunicipalityCode } from '../privacy/checkdigits';
import { CsvEncodingError, CsvFormatError, openCsv, type CsvEncodingOption, type CsvRecord } from './csv';

// ---------------------------------------------------------------------------
// Errors

export type ImportErrorCode =
  | 'BAD_ENCODING'
  | 'BAD_CSV'
  | 'MISSING_HEADER'
  | 'UNKNOWN_COLUMN'
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'INDIVIDUAL_NUMBER_COLUMN'
  | 'INDIVIDUAL_NUMBER_VALUE'
  | 'WRONG_FIELD_COUNT'
  | 'REQUIRED'
  | 'INVALID'
  | 'UNKNOWN_PRODUCT'
  | 'UNKNOWN_VENUE'
  | 'DUPLICATE_ROW'
  | 'DUPLICATE_GTIN' // product master only
  | 'INCONSISTENT_PERSON'
  | 'EMPTY_FILE';

/**
 * Why an import was refused. `message` is English; `staffMessage` carries the
 * same in Japanese and English for the screen. Both name the row and column;
 * neither ever holds an individual number, a phone number or an e-mail address.
 */
export class RosterImportError extends Error {
  readonly code: ImportErrorCode;
  /** Spreadsheet row number (header = 1), or null for problems of the whole file. */
  readonly row: number | null;
  /** Column name as in the header, or null. */
  readonly column: string | null;
  readonly staffMessage: StaffText;

  constructor(code: ImportErrorCode, row: number | null, column: string | null, reason: StaffText) {
    const staffMessage = withPlace(row, column, reason);
    super(staffMessage.en);
    this.name = 'RosterImportError';
    this.code = code;
    this.row = row;
    this.column = column;
    this.staffMessage = staffMessage;
  }
}

function withPlace(row: number | null, column: string | null, reason: StaffText): StaffText {
  if (row !== null && column !== null) {
    return { ja: `${row}行目の ${column} 列: ${reason.ja}`, en: `Row ${row}, column ${column}: ${reason.en}` };
  }
  if (row !== null) return { ja: `${row}行目: ${reason.ja}`, en: `Row ${row}: ${reason.en}` };
  if (column !== null) return { ja: `${column} 列: ${reason.ja}`, en: `Column ${column}: ${reason.en}` };
  return reason;
}

function say(ja: string, en: string): StaffText {
  return { ja, en };
}

function fail(code: ImportErrorCode, row: number | null, column: string | null, reason: StaffText): never {
  throw new RosterImportError(code, row, column, reason);
}

/**
 * A value short and harmless enough to quote back in a message: at most 30
 * characters and fewer than 10 digits, so neither an individual number nor a
 * phone number can ever be echoed.
 */
export function quotable(value: string): string | null {
  if (value.length === 0 || value.length > 30) return null;
  const digits = value.normalize('NFKC').replace(/[^0-9]/g, '').length;
  if (digits >= 10) return null;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return null;
  }
  return value;
}

function q(value: string): { ja: string; en: string } {
  const v = quotable(value);
  return v === null ? { ja: '', en: '' } : { ja: `「${v}」`, en: ` "${v}"` };
}

// ---------------------------------------------------------------------------
// The individual number

/**
 * Columns that hold a list of small structured items (prior_doses: dose, date,
 * product code, place, joined by : and ;): each item is checked on its own, so
 * a dose number, a date and a numeric product code side by side are not read
 * as twelve digits. Every other field is checked whole.
 */
const LIST_COLUMNS: ReadonlySet<string> = new Set(['prior_doses']);

/** True when a field may hold an individual number (src/privacy's detector, the one every way in uses). */
function fieldHoldsIndividualNumber(column: string | undefined, value: string): boolean {
  if (column !== undefined && LIST_COLUMNS.has(column)) return value.split(/[;:]/).some((part) => containsIndividualNumber(part));
  return containsIndividualNumber(value);
}

/** Header names meaning the individual number, after normaliseHeaderName. */
const MY_NUMBER_HEADER_EXACT = new Set([
  'myno',
  'mynum',
  'mynumber',
  'mynumberno',
  'individualno',
  'individualnum',
  'individualnumber',
  'personalno',
  'personalnum',
  'personalnumber',
  'kojinbango',
  'kojinbangou',
  'kojinbangoo',
  'kojinbangō',
  'kojinbanngou',
  'kojinbanngo',
  'kojinno',
  'マイナ',
  'まいなんばー',
]);
const MY_NUMBER_HEADER_PARTS = [
  '個人番号',
  'マイナンバ',
  'マイナ番号',
  'まいなんば',
  'こじんばんごう',
  'コジンバンゴウ',
  'mynumber',
  'individualnumber',
  'personalnumber',
  'kojinbang',
  'kojinbanng',
];

function normaliseHeaderName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-‐‑–—−.・()[\]「」]/g, '');
}

/** True for a column name that means the individual number (個人番号, マイナンバー, My Number, …). */
export function isIndividualNumberHeader(name: string): boolean {
  const n = normaliseHeaderName(name);
  if (MY_NUMBER_HEADER_EXACT.has(n)) return true;
  return MY_NUMBER_HEADER_PARTS.some((part) => n.includes(part));
}

// ---------------------------------------------------------------------------
// Shared reading machinery (also used by products-csv.ts)

export interface HeaderSpec<C extends string> {
  readonly columns: readonly C[];
  readonly required: ReadonlySet<C>;
  /** What the file is, for messages: 名簿 / roster. */
  readonly what: StaffText;
}

export interface Header<C extends string> {
  readonly names: readonly string[];
  /** Field index of each known column, -1 when absent. */
  readonly index: Readonly<Record<C, number>>;
}

function columnLabel(names: readonly string[], i: number): string | null {
  const name = names[i];
  return name === undefined ? null : quotable(name);
}

function fieldPlace(names: readonly string[], i: number): { column: string | null; extra: StaffText } {
  const column = columnLabel(names, i);
  return column === null
    ? { column: null, extra: say(`（左から${i + 1}列目）`, ` (field ${i + 1} from the left)`) }
    : { column, extra: say('', '') };
}

function myNumberValueError(row: number, names: readonly string[], i: number): RosterImportError {
  const { column, extra } = fieldPlace(names, i);
  return new RosterImportError(
    'INDIVIDUAL_NUMBER_VALUE',
    row,
    column,
    say(
      `個人番号（マイナンバー）と思われる値があります${extra.ja}。個人番号はこのシステムに取り込めません。ファイルから削除してから取り込み直してください。`,
      `a value that looks like an individual number (My Number) was found${extra.en}. Individual numbers must not be imported; remove them from the file and import again.`,
    ),
  );
}

/** Throws INDIVIDUAL_NUMBER_VALUE when any field of the record looks like an individual number. */
export function checkRecordForMyNumber(record: CsvRecord, names: readonly string[]): void {
  const fields = record.fields;
  for (let i = 0; i < fields.length; i++) {
    if (fieldHoldsIndividualNumber(names[i], fields[i] ?? '')) throw myNumberValueError(record.row, names, i);
  }
}

export function isBlankRecord(record: CsvRecord): boolean {
  for (const f of record.fields) if (f.trim() !== '') return false;
  return true;
}

/** CSV-level errors as import errors. */
export function translateCsvError(e: unknown, names: readonly string[]): unknown {
  if (e instanceof CsvFormatError) {
    const reason: Record<CsvFormatError['problem'], StaffText> = {
      quote_in_unquoted_field: say(
        'ダブルクォート（"）で始まらない項目の中にダブルクォートがあります。項目全体を "…" で囲み、中の " は "" と2つ重ねてください。',
        'a double quote (") appears inside a field that does not start with one. Put the whole field in double quotes and write each " inside it as "".',
      ),
      unterminated_quote: say(
        'ダブルクォート（"）で始まった項目が閉じられていません。閉じる " を補ってください。',
        'a field that starts with a double quote (") is never closed. Add the closing ".',
      ),
      text_after_closing_quote: say(
        '閉じるダブルクォート（"）の後に文字があります。項目の区切りはカンマにしてください。',
        'there is text after the closing double quote (") of a field. Put a comma right after the closing quote.',
      ),
    };
    return new RosterImportError('BAD_CSV', e.row, null, reason[e.problem]);
  }
  if (e instanceof CsvEncodingError) {
    const reason: Record<CsvEncodingError['problem'], StaffText> = {
      invalid_utf8: say(
        'UTF-8 として読めません。Excel の「CSV UTF-8（コンマ区切り）」で保存し直すか、文字コードの指定を「自動」にしてください。',
        'the file cannot be read as UTF-8. Save it again as "CSV UTF-8 (Comma delimited)" in Excel, or choose automatic encoding.',
      ),
      invalid_shift_jis: say(
        'UTF-8 としても Shift_JIS としても読めない文字があります。Excel の「CSV UTF-8（コンマ区切り）」で保存し直してください。',
        'some characters can be read neither as UTF-8 nor as Shift_JIS. Save the file again as "CSV UTF-8 (Comma delimited)" in Excel.',
      ),
      utf16: say(
        'UTF-16（Unicode テキスト）のファイルは読めません。Excel の「CSV UTF-8（コンマ区切り）」で保存し直してください。',
        'UTF-16 ("Unicode text") files cannot be read. Save the file as "CSV UTF-8 (Comma delimited)" in Excel.',
      ),
      bom_mismatch: say(
        'Shift_JIS が指定されましたが、ファイルは UTF-8 です。文字コードの指定を「自動」か「UTF-8」にしてください。',
        'Shift_JIS was chosen but the file is UTF-8. Choose automatic encoding or UTF-8.',
      ),
      replacement_character: say(
        '文字化けした文字（�）があります。元のデータから正しい文字で作り直してください。',
        'some characters are garbled (�). Make the file again from the original data.',
      ),
      unencodable: say('Shift_JIS で書けない文字があります。', 'some characters cannot be written in Shift_JIS.'),
    };
    const column = e.fieldIndex === null ? null : columnLabel(names, e.fieldIndex);
    return new RosterImportError('BAD_ENCODING', e.row, column, reason[e.problem]);
  }
  return e;
}

/**
 * After any other error, the rest of the file is still checked for individual
 * numbers: if one is there, that is what staff must hear about first.
 */
export function myNumberElsewhere(records: Iterator<CsvRecord>, names: readonly string[]): RosterImportError | null {
  for (;;) {
    let next: IteratorResult<CsvRecord>;
    try {
      next = records.next();
    } catch {
      return null; // the rest cannot be read; the first error stands
    }
    if (next.done) return null;
    const fields = next.value.fields;
    for (let i = 0; i < fields.length; i++) {
      if (fieldHoldsIndividualNumber(names[i], fields[i] ?? '')) return myNumberValueError(next.value.row, names, i);
    }
  }
}

/**
 * Reads and checks the header row (the first non-blank record). Throws
 * INDIVIDUAL_NUMBER_VALUE / INDIVIDUAL_NUMBER_COLUMN first, then
 * MISSING_HEADER, DUPLICATE_COLUMN, UNKNOWN_COLUMN, MISSING_COLUMN.
 */
export function readHeader<C extends string>(record: CsvRecord, spec: HeaderSpec<C>): Header<C> {
  const names = record.fields.map((f) => f.trim());
  // Empty cells at the end of the header (Excel keeps columns that were once touched) are ignored.
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  checkRecordForMyNumber(record, []);
  for (const name of names) {
    if (name !== '' && isIndividualNumberHeader(name)) {
      fail(
        'INDIVIDUAL_NUMBER_COLUMN',
        record.row,
        null,
        say(
          '個人番号（マイナンバー）の列があります。個人番号はこのシステムに取り込めません。列を削除してから取り込み直してください（列が空でも削除が必要です）。',
          'there is an individual number (My Number) column. Individual numbers must not be imported; delete the column (even if it is empty) and import again.',
        ),
      );
    }
  }
  const known = new Set<string>(spec.columns);
  if (!names.some((n) => known.has(n))) {
    fail(
      'MISSING_HEADER',
      record.row,
      null,
      say(
        `1行目に列名（${spec.columns[0]} など）がありません。${spec.what.ja}の1行目は列名の行にしてください。`,
        `the first row holds no column names (such as ${spec.columns[0]}). The first row of the ${spec.what.en} must be the column names.`,
      ),
    );
  }
  const index = Object.fromEntries(spec.columns.map((c) => [c, -1])) as Record<C, number>;
  names.forEach((name, i) => {
    if (name === '') {
      fail(
        'MISSING_HEADER',
        record.row,
        null,
        say(
          `左から${i + 1}列目に列名がありません。不要な列は削除してください。`,
          `field ${i + 1} from the left has no column name. Delete columns that are not needed.`,
        ),
      );
    }
    if (!known.has(name)) {
      const v = q(name);
      fail(
        'UNKNOWN_COLUMN',
        record.row,
        quotable(name),
        say(
          `列名${v.ja}はこのファイルの形式にありません（左から${i + 1}列目）。列名の綴りを確認するか、不要な列を削除してください。`,
          `the column name${v.en} is not part of this format (field ${i + 1} from the left). Check its spelling or delete the column.`,
        ),
      );
    }
    const c = name as C;
    if (index[c] !== -1) {
      fail(
        'DUPLICATE_COLUMN',
        record.row,
        name,
        say(
          `同じ列名が2回あります（左から${index[c] + 1}列目と${i + 1}列目）。どちらかを削除してください。`,
          `the same column name appears twice (fields ${index[c] + 1} and ${i + 1} from the left). Delete one of them.`,
        ),
      );
    }
    index[c] = i;
  });
  for (const c of spec.columns) {
    if (spec.required.has(c) && index[c] === -1) {
      fail(
        'MISSING_COLUMN',
        record.row,
        c,
        say(`必要な列がありません。1行目に ${c} 列を追加してください。`, `this required column is missing. Add a ${c} column to the first row.`),
      );
    }
  }
  return { names, index };
}

/**
 * A row must have as many fields as the header has columns; extra fields at
 * the end are accepted only when empty (trailing commas that Excel writes).
 */
export function checkFieldCount(record: CsvRecord, header: Header<string>): void {
  const fields = record.fields;
  const width = header.names.length;
  let ok = fields.length >= width;
  for (let i = width; ok && i < fields.length; i++) if ((fields[i] ?? '').trim() !== '') ok = false;
  if (!ok) {
    fail(
      'WRONG_FIELD_COUNT',
      record.row,
      null,
      say(
        `この行の項目数は${record.fields.length}ですが、1行目の列名は${header.names.length}個です。カンマの数や、"…" で囲むべき項目を確認してください。`,
        `this row has ${record.fields.length} fields but the header has ${header.names.length} columns. Check the commas, and quote fields that contain commas.`,
      ),
    );
  }
}

/** NFKC only when needed: ASCII text is already NFKC. */
export function nfkc(value: string): string {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) >= 128) return value.normalize('NFKC');
  }
  return value;
}

/** Number of characters as people count them (code points). */
export function charCount(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/**
 * True when the text holds control characters, private-use characters (外字,
 * which venue devices cannot show) or U+FFFD.
 */
export function hasUnshowable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xe000 && c <= 0xf8ff) || c === 0xfffd) return true;
    if (c >= 0xdb80 && c <= 0xdbff) return true; // planes 15–16: private use
  }
  return false;
}

/** Copies a string so a stored key does not keep a whole decoded chunk alive (V8 sliced strings). */
export function detach(value: string): string {
  return (value + ' ').slice(0, -1);
}

const ISO_OR_SLASH_DATE = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by `count` ASCII digits from `start`, or -1. */
function digitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0));
}

/** YYYY-MM-DD, YYYY/MM/DD (also Excel's YYYY/M/D) or YYYYMMDD → YYYY-MM-DD when a real date, else null. */
export function parseDate(value: string): string | null {
  if (value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
    // Fast path for YYYY-MM-DD, the usual case.
    const year = digitsAt(value, 0, 4);
    const month = digitsAt(value, 5, 2);
    const day = digitsAt(value, 8, 2);
    if (year >= 0 && month >= 0 && day >= 0) return isRealDate(year, month, day) ? value : null;
  }
  let y: string | undefined, mo: string | undefined, d: string | undefined;
  const m = ISO_OR_SLASH_DATE.exec(value);
  if (m) [y, mo, d] = [m[1], m[3], m[4]];
  else {
    const c = COMPACT_DATE.exec(value);
    if (!c) return null;
    [y, mo, d] = [c[1], c[2], c[3]];
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (!isRealDate(year, month, day)) return null;
  return `${y}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

export const CODE_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

// ---------------------------------------------------------------------------
// The roster format

export const ROSTER_COLUMNS = [
  'municipality_code',
  'ticket_number',
  'ticket_kind',
  'ticket_status',
  'person_ref',
  'name_kana',
  'name_kanji',
  'birth_date',
  'sex',
  'phone',
  'email',
  'prior_doses',
  'booking_id',
  'booking_venue',
  'booking_date',
  'booking_slot',
  'booking_dose',
  'booking_product',
  'booking_set',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

const ROSTER_SPEC: HeaderSpec<RosterColumn> = {
  columns: ROSTER_COLUMNS,
  required: new Set<RosterColumn>([
    'municipality_code',
    'ticket_number',
    'ticket_kind',
    'ticket_status',
    'person_ref',
    'name_kana',
    'name_kanji',
    'birth_date',
    'sex',
  ]),
  what: say('名簿ファイル', 'roster file'),
};

/** The booking columns that must all be filled when any booking column is. */
const BOOKING_REQUIRED: readonly RosterColumn[] = [
  'booking_id',
  'booking_venue',
  'booking_date',
  'booking_slot',
  'booking_dose',
  'booking_product',
];

export type TicketStatus = 'active' | 'moved_out' | 'deceased' | 'reissued';
export type Sex = 'M' | 'F' | 'U';

export interface PriorDose {
  dose: number;
  date: string;
  product: string;
  place: string;
}

export interface RosterBooking {
  id: string;
  venue: string;
  date: string;
  slotStart: string;
  slotEnd: string;
  dose: number;
  product: string;
  setId: string | null;
}

export interface RosterRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  municipality: string;
  ticketNumber: string;
  ticketKind: string;
  ticketStatus: TicketStatus;
  personRef: string;
  /** Full-width katakana (NFKC); the parts of the name are separated by one ASCII space. */
  nameKana: string;
  nameKanji: string;
  birthDate: string;
  sex: Sex;
  /** Digits only, e.g. 09012345678. */
  phone: string | null;
  email: string | null;
  /** Sorted by dose number. */
  priorDoses: PriorDose[];
  booking: null | RosterBooking;
}

export interface RosterParseOptions {
  /** Default 'auto': UTF-8 (with or without BOM) or Shift_JIS (CP932). */
  encoding?: CsvEncodingOption;
  /** YYYY-MM-DD. When given, birth dates and earlier doses may not be after it. */
  today?: string;
  /** When given, every product code (bookings and earlier doses) must be one of these. */
  knownProducts?: ReadonlySet<string>;
  /** When given, every booking venue must be one of these. */
  knownVenues?: ReadonlySet<string>;
}

const STATUS = new Map<string, TicketStatus>([
  ['active', 'active'],
  ['moved_out', 'moved_out'],
  ['deceased', 'deceased'],
  ['reissued', 'reissued'],
  ['有効', 'active'],
  ['転出', 'moved_out'],
  ['死亡', 'deceased'],
  ['再発行', 'reissued'],
]);

const SEX = new Map<string, Sex>([
  ['m', 'M'],
  ['f', 'F'],
  ['u', 'U'],
  ['M', 'M'],
  ['F', 'F'],
  ['U', 'U'],
  ['男', 'M'],
  ['女', 'F'],
  ['不明', 'U'],
  ['1', 'M'],
  ['2', 'F'],
  ['9', 'U'],
]);

const KANA_PART = /^[\u30A1-\u30FE]+$/; // ァ … ヺ, ・, ー, ヽ, ヾ
const HIRAGANA = /[\u3041-\u3096]/;
const PERSON_REF = /^[A-Za-z0-9-]{1,20}$/;
const VENUE_CODE = /^[A-Za-z0-9_-]{1,20}$/;
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const SLOT = /^(\d{1,2}):(\d{2})\s*[-~〜]\s*(\d{1,2}):(\d{2})$/;

const FNV_OFFSET = 0x811c9dc5;

/** 32-bit FNV-1a, one part at a time (with a separator), for the cross-row checks. */
function mix(h: number, part: string): number {
  for (let i = 0; i < part.length; i++) {
    h ^= part.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= 0x1f;
  return Math.imul(h, 0x01000193) >>> 0;
}

// Map values pack a 26-bit hash with the row where a key was first seen.
const ROW_SPACE = 2 ** 27;
function pack(hash: number, row: number): number {
  return (hash >>> 6) * ROW_SPACE + (row % ROW_SPACE);
}
function packedHash(v: number): number {
  return Math.floor(v / ROW_SPACE);
}
function packedRow(v: number): number {
  return v % ROW_SPACE;
}

/**
 * A map from non-negative integer keys (< 2^53) to numbers, in two typed
 * arrays with open addressing: for a million tickets it is several times
 * faster and smaller than a Map of heap numbers.
 */
class NumberTable {
  private keys = new Float64Array(1 << 16).fill(-1);
  private values = new Float64Array(1 << 16);
  private size = 0;

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    let i = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    i = (i ^ (i >>> 15)) & mask;
    const keys = this.keys;
    for (;;) {
      const k = keys[i];
      if (k === key || k === -1) return i;
      i = (i + 1) & mask;
    }
  }

  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  set(key: number, value: number): void {
    let i = this.slot(key);
    if (this.keys[i] !== key) {
      if ((this.size + 1) * 2 > this.keys.length) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = key;
      this.size += 1;
    }
    this.values[i] = value;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2).fill(-1);
    this.values = new Float64Array(oldKeys.length * 2);
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j] ?? -1;
      if (k !== -1) {
        const i = this.slot(k);
        this.keys[i] = k;
        this.values[i] = oldValues[j] ?? 0;
      }
    }
  }
}

/**
 * A map from strings to numbers for a million keys: 32-bit hashes in a typed
 * array, the keys themselves (detached copies) compared only when hashes
 * match. Far fewer cache misses than a Map of strings.
 */
class StringTable {
  private hashes = new Int32Array(1 << 12);
  private slots = new Int32Array(1 << 12).fill(-1);
  private keys: string[] = [];
  private values: number[] = [];

  private static hash(key: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h | 0;
  }

  /** The slot holding key, or the empty slot where it would go. */
  private find(key: string, h: number): number {
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (;;) {
      const at = this.slots[i] ?? -1;
      if (at === -1) return i;
      if (this.hashes[i] === h && this.keys[at] === key) return i;
      i = (i + 1) & mask;
    }
  }

  get(key: string): number | undefined {
    const at = this.slots[this.find(key, StringTable.hash(key))] ?? -1;
    return at === -1 ? undefined : this.values[at];
  }

  set(key: string, value: number): void {
    const h = StringTable.hash(key);
    let i = this.find(key, h);
    const at = this.slots[i] ?? -1;
    if (at !== -1) {
      this.values[at] = value;
      return;
    }
    if ((this.keys.length + 1) * 2 > this.slots.length) {
      this.grow();
      i = this.find(key, h);
    }
    this.slots[i] = this.keys.length;
    this.hashes[i] = h;
    this.keys.push(detach(key));
    this.values.push(value);
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(oldSlots.length * 2).fill(-1);
    this.hashes = new Int32Array(oldSlots.length * 2);
    const mask = this.slots.length - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const at = oldSlots[j] ?? -1;
      if (at === -1) continue;
      const h = oldHashes[j] ?? 0;
      let i = h & mask;
      while (this.slots[i] !== -1) i = (i + 1) & mask;
      this.slots[i] = at;
      this.hashes[i] = h;
    }
  }
}

interface SetPart {
  ticket: number;
  dose: number;
  /** YYYY-MM-DD */
  date: string;
  row: number;
}

/**
 * The first booking of each set booking, kept in typed arrays (a million
 * sets cost a few tens of MB), or the row that completed the set.
 */
class SetParts {
  private readonly index = new Map<string, StringTable>();
  private ticket = new Float64Array(1024);
  private dose = new Uint8Array(1024);
  private date = new Int32Array(1024); // YYYYMMDD
  private row = new Int32Array(1024); // negative: -(row that completed the set)
  private count = 0;

  /** undefined: a new set; a number: the row that completed it; else its first booking. */
  get(municipality: string, setId: string): SetPart | number | undefined {
    const at = this.index.get(municipality)?.get(setId);
    if (at === undefined) return undefined;
    const row = this.row[at] ?? 0;
    if (row < 0) return -row;
    const d = String(this.date[at] ?? 0);
    return { ticket: this.ticket[at] ?? 0, dose: this.dose[at] ?? 0, date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`, row };
  }

  add(municipality: string, setId: string, part: SetPart): void {
    let table = this.index.get(municipality);
    if (table === undefined) {
      table = new StringTable();
      this.index.set(detach(municipality), table);
    }
    if (this.count === this.row.length) {
      const size = this.count * 2;
      this.ticket = grow(this.ticket, new Float64Array(size));
      this.dose = grow(this.dose, new Uint8Array(size));
      this.date = grow(this.date, new Int32Array(size));
      this.row = grow(this.row, new Int32Array(size));
    }
    const at = this.count++;
    this.ticket[at] = part.ticket;
    this.dose[at] = part.dose;
    this.date[at] = Number(part.date.replace(/-/g, ''));
    this.row[at] = part.row;
    table.set(setId, at);
  }

  complete(municipality: string, setId: string, row: number): void {
    const at = this.index.get(municipality)?.get(setId);
    if (at !== undefined) this.row[at] = -row;
  }
}

function grow<T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Reads a roster & bookings CSV row by row. Throws RosterImportError (see the
 * codes in ImportErrorCode) at the first problem; an individual number
 * anywhere in the file is reported before any other problem.
 */
export function* parseRosterCsv(input: Uint8Array | string, options: RosterParseOptions = {}): Generator<RosterRow> {
  const today = options.today;
  if (today !== undefined && !isCalendarDate(today)) throw new TypeError('parseRosterCsv: today must be YYYY-MM-DD');

  let records: Generator<CsvRecord>;
  try {
    records = openCsv(input, options.encoding ?? 'auto').records;
  } catch (e) {
    throw translateCsvError(e, []);
  }

  let names: readonly string[] = [];
  try {
    let header: Header<RosterColumn> | null = null;
    const check = new RowChecker(options);
    let count = 0;
    for (;;) {
      let next: IteratorResult<CsvRecord>;
      try {
        next = records.next();
      } catch (e) {
        throw translateCsvError(e, names);
      }
      if (next.done) break;
      const record = next.value;
      if (isBlankRecord(record)) continue;
      if (header === null) {
        names = record.fields.map((f) => f.trim());
        header = readHeader(record, ROSTER_SPEC);
        names = header.names;
        continue;
      }
      checkRecordForMyNumber(record, names);
      checkFieldCount(record, header);
      const row = check.row(record, header.index);
      count++;
      yield row;
    }
    if (header === null) {
      fail('EMPTY_FILE', null, null, say('ファイルが空です。', 'the file is empty.'));
    }
    if (count === 0) {
      fail('EMPTY_FILE', null, null, say('列名の行だけで、データの行がありません。', 'the file has column names but no data rows.'));
    }
  } catch (e) {
    if (e instanceof RosterImportError && e.code !== 'BAD_CSV' && !e.code.startsWith('INDIVIDUAL_NUMBER')) {
      throw myNumberElsewhere(records, names) ?? e;
    }
    throw e;
  }
}

function cell(fields: readonly string[], i: number): string {
  return i < 0 ? '' : (fields[i] ?? '').trim();
}

function need(value: string, r: number, c: RosterColumn): string {
  if (value === '') fail('REQUIRED', r, c, say('入力が必要です。', 'this column must be filled in.'));
  return value;
}

function invalid(r: number, c: RosterColumn, ja: string, en: string): never {
  return fail('INVALID', r, c, say(ja, en));
}

function badPriorDose(r: number, entry: number, ja: string, en: string): never {
  return fail('INVALID', r, 'prior_doses', say(`${entry}件目: ${ja}`, `entry ${entry}: ${en}`));
}

function badSet(r: number, ja: string, en: string): never {
  return fail('INVALID', r, 'booking_set', say(ja, en));
}

const DATE_HELP = say('日付が正しくありません（YYYY-MM-DD で入力してください）。', 'the date is not valid (write it as YYYY-MM-DD).');

function hhmm(h: number, m: number): string {
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

/** Per-field checks of one row and the checks against earlier rows. */
class RowChecker {
  private readonly today: string | null;
  private readonly knownProducts: ReadonlySet<string> | null;
  private readonly knownVenues: ReadonlySet<string> | null;
  /** ticket key → packed(hash of ticket_kind, ticket_status, person_ref; first row). */
  private readonly tickets = new NumberTable();
  /** municipality → person_ref → packed(hash of the person columns; first row). */
  private readonly persons = new Map<string, StringTable>();
  /** ticket key → row of its row without a booking. */
  private readonly bookingless = new NumberTable();
  /** booking_id → row (booking IDs are unique across the whole file, as in the venue database). */
  private readonly bookings = new StringTable();
  /** municipality + booking_set → the first booking of the set, or the row that completed it. */
  private readonly sets = new SetParts();
  /** The last prior_doses text and what it parsed to: rows of one person repeat it. */
  private lastPriorText = '';
  private lastPriorBirth = '';
  private lastPrior: PriorDose[] = [];

  constructor(options: RosterParseOptions) {
    this.today = options.today ?? null;
    this.knownProducts = options.knownProducts ?? null;
    this.knownVenues = options.knownVenues ?? null;
  }

  row(record: CsvRecord, index: Readonly<Record<RosterColumn, number>>): RosterRow {
    const r = record.row;
    const f = record.fields;

    // Ticket
    const municipality = nfkc(need(cell(f, index.municipality_code), r, 'municipality_code'));
    if (!/^\d{6}$/.test(municipality)) {
      invalid(
        r,
        'municipality_code',
        '市区町村コードは6桁の数字です。Excel で先頭の0が消えていないか確認してください（列を「文字列」にして保存）。',
        'the municipality code must be 6 digits. Check that Excel did not drop a leading 0 (format the column as text).',
      );
    }
    if (!isValidMunicipalityCode(municipality)) {
      invalid(
        r,
        'municipality_code',
        `市区町村コード「${municipality}」の検査数字（6桁目）が合いません。正しい6桁のコードを入力してください。`,
        `the check digit (6th digit) of municipality code "${municipality}" is wrong. Enter the correct 6-digit code.`,
      );
    }
    const ticketNumber = nfkc(need(cell(f, index.ticket_number), r, 'ticket_number'));
    if (!/^\d{10}$/.test(ticketNumber)) {
      invalid(
        r,
        'ticket_number',
        '券番号は10桁の数字です。Excel で先頭の0が消えていないか確認してください（列を「文字列」にして保存）。',
        'the ticket number must be 10 digits. Check that Excel did not drop leading 0s (format the column as text).',
      );
    }
    const ticketKind = nfkc(need(cell(f, index.ticket_kind), r, 'ticket_kind'));
    if (!/^\d$/.test(ticketKind)) invalid(r, 'ticket_kind', '券種は1桁の数字です。', 'the ticket kind must be one digit.');
    const statusText = nfkc(need(cell(f, index.ticket_status), r, 'ticket_status'));
    const ticketStatus = STATUS.get(statusText) ?? STATUS.get(statusText.toLowerCase());
    if (ticketStatus === undefined) {
      const v = q(statusText);
      invalid(
        r,
        'ticket_status',
        `${v.ja}は使えません。active / moved_out / deceased / reissued（または 有効 / 転出 / 死亡 / 再発行）のどれかを入力してください。`,
        `${v.en === '' ? 'this value' : v.en.trimStart()} is not allowed. Enter one of active / moved_out / deceased / reissued (or 有効 / 転出 / 死亡 / 再発行).`,
      );
    }

    // Person
    const personRef = nfkc(need(cell(f, index.person_ref), r, 'person_ref'));
    if (!PERSON_REF.test(personRef)) {
      invalid(
        r,
        'person_ref',
        '宛名番号は英数字とハイフンで1〜20文字です（個人番号は使えません）。',
        'the person reference (宛名番号) must be 1–20 letters, digits or hyphens (never the individual number).',
      );
    }
    const nameKana = kana(need(cell(f, index.name_kana), r, 'name_kana'), r);
    const nameKanji = need(cell(f, index.name_kanji), r, 'name_kanji');
    if (hasUnshowable(nameKanji)) {
      invalid(
        r,
        'name_kanji',
        '表示できない文字（外字・制御文字など）があります。標準の文字に置き換えてください。',
        'it holds characters that cannot be shown (user-defined characters, control characters). Replace them with standard characters.',
      );
    }
    if (charCount(nameKanji) > 40) invalid(r, 'name_kanji', '氏名は40文字以内にしてください。', 'the name must be at most 40 characters.');
    const birthDate = parseDate(nfkc(need(cell(f, index.birth_date), r, 'birth_date')));
    if (birthDate === null) invalid(r, 'birth_date', DATE_HELP.ja, DATE_HELP.en);
    if (birthDate < '1900-01-01') invalid(r, 'birth_date', '1900年より前の生年月日は入力できません。', 'birth dates before 1900 are not accepted.');
    if (this.today !== null && birthDate > this.today) {
      invalid(r, 'birth_date', '生年月日が未来の日付です。', 'the birth date is in the future.');
    }
    const sexText = nfkc(need(cell(f, index.sex), r, 'sex'));
    const sex = SEX.get(sexText) ?? SEX.get(sexText.toLowerCase());
    if (sex === undefined) {
      invalid(r, 'sex', 'M / F / U（または 男 / 女 / 不明、1 / 2 / 9）で入力してください。', 'enter M / F / U (or 男 / 女 / 不明, 1 / 2 / 9).');
    }
    const phone = parsePhone(cell(f, index.phone), r);
    const email = parseEmail(cell(f, index.email), r);
    const priorText = cell(f, index.prior_doses);
    let priorDoses: PriorDose[];
    if (priorText === this.lastPriorText && birthDate === this.lastPriorBirth) {
      priorDoses = this.lastPrior.map((d) => ({ ...d }));
    } else {
      priorDoses = this.priorDoses(priorText, birthDate, r);
      this.lastPriorText = priorText;
      this.lastPriorBirth = birthDate;
      this.lastPrior = priorDoses.map((d) => ({ ...d }));
    }

    // Booking
    const booking = this.booking(f, index, r);

    // Against earlier rows
    const ticketKey = Number(municipality.slice(0, 5)) * 1e10 + Number(ticketNumber);
    const ticketHash = mix(mix(mix(FNV_OFFSET, ticketKind), ticketStatus), personRef);
    const seenTicket = this.tickets.get(ticketKey);
    if (seenTicket === undefined) this.tickets.set(ticketKey, pack(ticketHash, r));
    else if (packedHash(seenTicket) !== packedHash(pack(ticketHash, r))) {
      const first = packedRow(seenTicket);
      fail(
        'INCONSISTENT_PERSON',
        r,
        null,
        say(
          `${first}行目と同じ券（市区町村コードと券番号）ですが、ticket_kind・ticket_status・person_ref のどれかが${first}行目と違います。同じ券の行はすべて同じ内容にしてください。`,
          `this is the same ticket (municipality code and ticket number) as row ${first}, but ticket_kind, ticket_status or person_ref differs from row ${first}. All rows of one ticket must carry the same values.`,
        ),
      );
    }
    let personHash = mix(mix(mix(mix(FNV_OFFSET, nameKana), nameKanji), birthDate), sex);
    personHash = mix(mix(personHash, phone ?? ''), email ?? '');
    for (const d of priorDoses) personHash = mix(mix(mix(mix(personHash, String(d.dose)), d.date), d.product), d.place);
    let persons = this.persons.get(municipality);
    if (persons === undefined) {
      persons = new StringTable();
      this.persons.set(detach(municipality), persons);
    }
    const seenPerson = persons.get(personRef);
    if (seenPerson === undefined) persons.set(personRef, pack(personHash, r));
    else if (packedHash(seenPerson) !== packedHash(pack(personHash, r))) {
      const first = packedRow(seenPerson);
      fail(
        'INCONSISTENT_PERSON',
        r,
        null,
        say(
          `${first}行目と同じ人（市区町村コードと宛名番号）ですが、人の項目（name_kana・name_kanji・birth_date・sex・phone・email・prior_doses）が${first}行目と違います。同じ人の行はすべて同じ内容にしてください。`,
          `this is the same person (municipality code and person_ref) as row ${first}, but the person columns (name_kana, name_kanji, birth_date, sex, phone, email, prior_doses) differ from row ${first}. All rows of one person must carry the same values.`,
        ),
      );
    }
    if (booking === null) {
      const earlier = this.bookingless.get(ticketKey);
      if (earlier !== undefined) {
        fail(
          'DUPLICATE_ROW',
          r,
          null,
          say(
            `${earlier}行目と同じ券の、予約のない行がもう一度あります。どちらかを削除してください。`,
            `row ${earlier} already holds this ticket without a booking. Delete one of the two rows.`,
          ),
        );
      }
      this.bookingless.set(ticketKey, r);
    } else {
      const earlier = this.bookings.get(booking.id);
      if (earlier !== undefined) {
        fail(
          'DUPLICATE_ROW',
          r,
          'booking_id',
          say(
            `この予約番号は${earlier}行目でも使われています。1つの予約は1行にしてください。`,
            `this booking ID is also used in row ${earlier}. Each booking must appear in one row only.`,
          ),
        );
      }
      this.bookings.set(booking.id, r);
      if (booking.setId !== null) this.setBooking(municipality, booking.setId, ticketKey, booking, r);
    }

    return {
      row: r,
      municipality,
      ticketNumber,
      ticketKind,
      ticketStatus,
      personRef,
      nameKana,
      nameKanji,
      birthDate,
      sex,
      phone,
      email,
      priorDoses,
      booking,
    };
  }

  private product(code: string, r: number, column: RosterColumn, where: StaffText): string {
    if (!CODE_PATTERN.test(code)) {
      fail(
        'INVALID',
        r,
        column,
        say(
          `${where.ja}製品コードは英数字・ハイフン・下線で1〜40文字です。`,
          `${where.en}the product code must be 1–40 letters, digits, hyphens or underscores.`,
        ),
      );
    }
    if (this.knownProducts !== null && !this.knownProducts.has(code)) {
      const v = q(code);
      fail(
        'UNKNOWN_PRODUCT',
        r,
        column,
        say(
          `${where.ja}製品コード${v.ja}が製品マスタにありません。コードを確認するか、先に製品マスタを取り込んでください。`,
          `${where.en}the product code${v.en} is not in the product master. Check the code, or import the product master first.`,
        ),
      );
    }
    return code;
  }

  private priorDoses(value: string, birthDate: string, r: number): PriorDose[] {
    if (value === '') return [];
    const entries = nfkc(value).split(';');
    const doses: PriorDose[] = [];
    let n = 0;
    for (const raw of entries) {
      const entry = raw.trim();
      if (entry === '') continue;
      n += 1;
      const parts = entry.split(':');
      if (parts.length < 4) {
        badPriorDose(
          r,
          n,
          '「回数:接種日:製品コード:場所」の形で入力してください（例 1:2021-06-20:PFZ-COMIRNATY:市民会館）。場所が空でも最後の「:」は必要です。',
          'write it as dose:date:product_code:place (e.g. 1:2021-06-20:PFZ-COMIRNATY:City Hall). Keep the last ":" even when the place is empty.',
        );
      }
      const doseText = (parts[0] ?? '').trim();
      if (!/^[1-9]$/.test(doseText)) badPriorDose(r, n, '回数は1〜9の数字です。', 'the dose number must be 1–9.');
      const dose = Number(doseText);
      const date = parseDate((parts[1] ?? '').trim());
      if (date === null) badPriorDose(r, n, DATE_HELP.ja, DATE_HELP.en);
      if (date < birthDate) badPriorDose(r, n, '接種日が生年月日より前です。', 'the date is before the birth date.');
      if (this.today !== null && date > this.today) badPriorDose(r, n, '接種日が未来の日付です。', 'the date is in the future.');
      const product = this.product((parts[2] ?? '').trim(), r, 'prior_doses', say(`${n}件目: `, `entry ${n}: `));
      const place = (parts.length === 4 ? (parts[3] ?? '') : parts.slice(3).join(':')).trim();
      if (charCount(place) > 30) badPriorDose(r, n, '場所は30文字以内にしてください。', 'the place must be at most 30 characters.');
      if (hasUnshowable(place)) {
        badPriorDose(r, n, '場所に表示できない文字（外字・制御文字など）があります。', 'the place holds characters that cannot be shown.');
      }
      for (const d of doses) {
        if (d.dose === dose) badPriorDose(r, n, `${dose}回目が2回書かれています。`, `dose ${dose} is written twice.`);
      }
      doses.push({ dose, date, product, place });
    }
    doses.sort((a, b) => a.dose - b.dose);
    for (let i = 1; i < doses.length; i++) {
      const a = doses[i - 1];
      const b = doses[i];
      if (a !== undefined && b !== undefined && b.date <= a.date) {
        fail(
          'INVALID',
          r,
          'prior_doses',
          say(
            `${b.dose}回目の接種日が${a.dose}回目の接種日より後になっていません。回数と日付を確認してください。`,
            `dose ${b.dose} is not dated after dose ${a.dose}. Check the dose numbers and dates.`,
          ),
        );
      }
    }
    return doses;
  }

  private booking(
    f: readonly string[],
    index: Readonly<Record<RosterColumn, number>>,
    r: number,
  ): RosterBooking | null {
    const id = nfkc(cell(f, index.booking_id));
    const venue = nfkc(cell(f, index.booking_venue));
    const dateText = nfkc(cell(f, index.booking_date));
    const slotText = nfkc(cell(f, index.booking_slot));
    const doseText = nfkc(cell(f, index.booking_dose));
    const productText = nfkc(cell(f, index.booking_product));
    const setText = nfkc(cell(f, index.booking_set));
    if (id === '' && venue === '' && dateText === '' && slotText === '' && doseText === '' && productText === '' && setText === '') {
      return null;
    }
    const values = [id, venue, dateText, slotText, doseText, productText];
    for (let i = 0; i < BOOKING_REQUIRED.length; i++) {
      if (values[i] === '') {
        fail(
          'REQUIRED',
          r,
          BOOKING_REQUIRED[i] ?? null,
          say(
            '予約の列（booking_…）を使うときは、booking_id・booking_venue・booking_date・booking_slot・booking_dose・booking_product をすべて入力してください。',
            'when any booking column is used, booking_id, booking_venue, booking_date, booking_slot, booking_dose and booking_product must all be filled in.',
          ),
        );
      }
    }
    if (!CODE_PATTERN.test(id)) {
      invalid(r, 'booking_id', '予約番号は英数字・ハイフン・下線で1〜40文字です。', 'the booking ID must be 1–40 letters, digits, hyphens or underscores.');
    }
    if (!VENUE_CODE.test(venue)) {
      invalid(r, 'booking_venue', '会場コードは英数字・ハイフン・下線で1〜20文字です。', 'the venue code must be 1–20 letters, digits, hyphens or underscores.');
    }
    if (this.knownVenues !== null && !this.knownVenues.has(venue)) {
      const v = q(venue);
      fail(
        'UNKNOWN_VENUE',
        r,
        'booking_venue',
        say(`会場コード${v.ja}が登録されていません。会場コードを確認してください。`, `the venue code${v.en} is not registered. Check the venue code.`),
      );
    }
    const date = parseDate(dateText);
    if (date === null) invalid(r, 'booking_date', DATE_HELP.ja, DATE_HELP.en);
    const slot = SLOT.exec(slotText);
    const sh = Number(slot?.[1]);
    const sm = Number(slot?.[2]);
    const eh = Number(slot?.[3]);
    const em = Number(slot?.[4]);
    if (slot === null || sh > 23 || sm > 59 || eh > 23 || em > 59) {
      invalid(r, 'booking_slot', '時間枠は HH:MM-HH:MM の形で入力してください（例 09:00-09:30）。', 'write the time slot as HH:MM-HH:MM (e.g. 09:00-09:30).');
    }
    const slotStart = hhmm(sh, sm);
    const slotEnd = hhmm(eh, em);
    if (slotStart >= slotEnd) {
      invalid(r, 'booking_slot', '時間枠の終わりは始まりより後にしてください。', 'the end of the time slot must be after its start.');
    }
    if (!/^[1-9]$/.test(doseText)) invalid(r, 'booking_dose', '回数は1〜9の数字です。', 'the dose number must be 1–9.');
    const dose = Number(doseText);
    // A booking may be stale: the person had this dose elsewhere after booking it.
    // That is not an error in the file; check-in answers ALREADY_VACCINATED at the door.
    const product = this.product(productText, r, 'booking_product', say('', ''));
    let setId: string | null = null;
    if (setText !== '') {
      if (!CODE_PATTERN.test(setText)) {
        invalid(r, 'booking_set', 'セット予約番号は英数字・ハイフン・下線で1〜40文字です。', 'the set-booking ID must be 1–40 letters, digits, hyphens or underscores.');
      }
      setId = setText;
    }
    return { id, venue, date, slotStart, slotEnd, dose, product, setId };
  }

  /** A set booking links the dose n and dose n+1 bookings of one ticket. */
  private setBooking(municipality: string, setId: string, ticket: number, booking: RosterBooking, r: number): void {
    const earlier = this.sets.get(municipality, setId);
    if (earlier === undefined) {
      this.sets.add(municipality, setId, { ticket, dose: booking.dose, date: booking.date, row: r });
      return;
    }
    if (typeof earlier === 'number') {
      badSet(
        r,
        `このセット予約番号はすでに2件の予約（${earlier}行目まで）で使われています。1つのセット予約は2件までです。`,
        `this set-booking ID is already used by two bookings (up to row ${earlier}). A set booking links two bookings only.`,
      );
    }
    if (earlier.ticket !== ticket) {
      badSet(
        r,
        `このセット予約番号は${earlier.row}行目の別の券で使われています。セット予約は同じ券の予約どうしにしてください。`,
        `this set-booking ID is used for another ticket in row ${earlier.row}. A set booking links bookings of one ticket.`,
      );
    }
    const [first, second] = earlier.dose < booking.dose ? [earlier, booking] : [booking, earlier];
    if (second.dose !== first.dose + 1) {
      badSet(
        r,
        `${earlier.row}行目とのセット予約ですが、回数が続いていません（${earlier.dose}回目と${booking.dose}回目）。`,
        `this set booking with row ${earlier.row} does not link consecutive doses (doses ${earlier.dose} and ${booking.dose}).`,
      );
    }
    if (second.date <= first.date) {
      badSet(
        r,
        `${earlier.row}行目とのセット予約ですが、${second.dose}回目の予約日が${first.dose}回目より後になっていません。`,
        `this set booking with row ${earlier.row}: dose ${second.dose} is not booked after dose ${first.dose}.`,
      );
    }
    this.sets.complete(municipality, setId, r);
  }
}

const KANA_NAME = /^[\u30A1-\u30FE]+(?: [\u30A1-\u30FE]+)*$/;

function kana(value: string, r: number): string {
  if (KANA_NAME.test(value)) {
    // Already full-width katakana with single ASCII spaces: NFKC would not change it.
    if (charCount(value) > 80) fail('INVALID', r, 'name_kana', say('フリガナは80文字以内にしてください。', 'the kana name must be at most 80 characters.'));
    return value;
  }
  const parts = nfkc(value).trim().split(/\s+/);
  for (const part of parts) {
    if (!KANA_PART.test(part)) {
      fail(
        'INVALID',
        r,
        'name_kana',
        HIRAGANA.test(part)
          ? say('ひらがなが含まれています。カタカナで入力してください。', 'it holds hiragana. Write the name in katakana.')
          : say('カタカナで入力してください（姓と名の間は空白1つ）。', 'write the name in katakana (one space between family and given name).'),
      );
    }
  }
  const result = parts.length === 1 ? (parts[0] ?? '') : parts.join(' ');
  if (charCount(result) > 80) fail('INVALID', r, 'name_kana', say('フリガナは80文字以内にしてください。', 'the kana name must be at most 80 characters.'));
  return result;
}

function parsePhone(value: string, r: number): string | null {
  if (value === '') return null;
  const v = nfkc(value);
  let count = 0;
  let ok = true;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) count++;
    else if (!(c === 45 || c === 40 || c === 41 || c === 32 || (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0x30fc)) {
      ok = false;
      break;
    }
  }
  const digits = ok && count === v.length ? v : v.replace(/[^0-9]/g, '');
  if (!ok || count < 10 || count > 11 || digits.charCodeAt(0) !== 48) {
    fail(
      'INVALID',
      r,
      'phone',
      say(
        '電話番号は0で始まる10桁か11桁の数字で入力してください（ハイフン・かっこは使えます）。Excel で先頭の0が消えていないか確認してください。',
        'the phone number must be 10 or 11 digits starting with 0 (hyphens and parentheses are allowed). Check that Excel did not drop the leading 0.',
      ),
    );
  }
  return digits;
}

function parseEmail(value: string, r: number): string | null {
  if (value === '') return null;
  const v = nfkc(value);
  if (v.length > 254 || !EMAIL.test(v)) {
    fail('INVALID', r, 'email', say('メールアドレスの形が正しくありません（例: name@example.jp）。', 'the e-mail address is not valid (e.g. name@example.jp).'));
  }
  return v;
}
