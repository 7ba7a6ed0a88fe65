// How a CSV import (roster or product master) says what is wrong: the error
// codes, RosterImportError with the row and column, and the CSV reader's own
// errors in words for staff. Never with a value that could be an individual number.
import type { StaffText } from '../common/messages';
import { StaffRefusal } from '../common/refusal';
import { CsvEncodingError, CsvFormatError } from './csv';

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
export class RosterImportError extends StaffRefusal<ImportErrorCode> {
  constructor(
    code: ImportErrorCode,
    /** Spreadsheet row number (header = 1), or null for problems of the whole file. */
    readonly row: number | null,
    /** Column name as in the header, or null. */
    readonly column: string | null,
    reason: StaffText,
  ) {
    super(code, withPlace(row, column, reason));
  }
}

export function withPlace(row: number | null, column: string | null, reason: StaffText): StaffText {
  if (row !== null && column !== null) {
    return { ja: `${row}行目の ${column} 列: ${reason.ja}`, en: `Row ${row}, column ${column}: ${reason.en}` };
  }
  if (row !== null) return { ja: `${row}行目: ${reason.ja}`, en: `Row ${row}: ${reason.en}` };
  if (column !== null) return { ja: `${column} 列: ${reason.ja}`, en: `Column ${column}: ${reason.en}` };
  return reason;
}

export function say(ja: string, en: string): StaffText {
  return { ja, en };
}

export function fail(code: ImportErrorCode, row: number | null, column: string | null, reason: StaffText): never {
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

export function q(value: string): { ja: string; en: string } {
  const v = quotable(value);
  return v === null ? { ja: '', en: '' } : { ja: `「${v}」`, en: ` "${v}"` };
}

export function columnLabel(names: readonly string[], i: number): string | null {
  const name = names[i];
  return name === undefined ? null : quotable(name);
}

export function fieldPlace(names: readonly string[], i: number): { column: string | null; extra: StaffText } {
  const column = columnLabel(names, i);
  return column === null
    ? { column: null, extra: say(`（左から${i + 1}列目）`, ` (field ${i + 1} from the left)`) }
    : { column, extra: say('', '') };
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
