// The reading machinery both CSV imports share (roster-csv.ts, products-csv.ts):
// the header, the field count, and the normalising and checking of text and dates.
import type { StaffText } from '../common/messages';
import type { CsvRecord } from './csv';
import { fail, q, quotable, say } from './import-errors';
import { checkRecordForMyNumber, isIndividualNumberHeader } from './individual-number-fields';


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

export function isBlankRecord(record: CsvRecord): boolean {
  for (const f of record.fields) if (f.trim() !== '') return false;
  return true;
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
