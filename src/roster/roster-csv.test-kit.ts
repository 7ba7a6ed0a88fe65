// Shared by the roster CSV tests (roster-csv.test.ts, roster-csv-errors.test.ts): sample rows and error helpers.
import { expect } from 'vitest';
import { formatCsvCell } from './csv';
import { RosterImportError, type ImportErrorCode } from './import-errors';
import { parseRosterCsv } from './roster-csv';
import { ROSTER_COLUMNS, type RosterParseOptions, type RosterRow } from './roster-format';

// A valid individual number (check digit 8) and ways people write it.
export const MY_NUMBER = '123456789018';
export const MY_NUMBER_FORMS = [MY_NUMBER, '1234-5678-9018', '1234 5678 9018', '１２３４５６７８９０１８', '(1234)5678.9018', '1234/5678/9018', '山田 123456789018'];

export type Cells = Partial<Record<string, string>>;

export const PERSON: Cells = {
  municipality_code: '131016',
  ticket_number: '0000000001',
  ticket_kind: '1',
  ticket_status: 'active',
  person_ref: 'P-0001',
  name_kana: 'ヤマダ タロウ',
  name_kanji: '山田 太郎',
  birth_date: '1950-04-01',
  sex: 'M',
  phone: '090-1234-5678',
  email: 'taro@example.jp',
  prior_doses: '1:2021-06-20:PFZ-COMIRNATY:市民会館;2:2021-07-11:PFZ-COMIRNATY:市民会館',
};

export const BOOKING: Cells = {
  booking_id: 'B-0001',
  booking_venue: 'V01',
  booking_date: '2026-12-01',
  booking_slot: '09:00-09:30',
  booking_dose: '3',
  booking_product: 'PFZ-COMIRNATY',
};

/** A second person with no earlier doses, for set bookings. */
export const HANAKO: Cells = {
  ...PERSON,
  ticket_number: '0000000002',
  person_ref: 'P-0002',
  name_kana: 'スズキ ハナコ',
  name_kanji: '鈴木 花子',
  birth_date: '1985-10-20',
  sex: 'F',
  phone: '',
  email: '',
  prior_doses: '',
};

export function csv(rows: Cells[], options: { header?: readonly string[]; eol?: string } = {}): string {
  const header = options.header ?? ROSTER_COLUMNS;
  const eol = options.eol ?? '\r\n';
  const lines = [header.join(','), ...rows.map((row) => header.map((c) => formatCsvCell(row[c] ?? '')).join(','))];
  return lines.join(eol) + eol;
}

export function parse(input: Uint8Array | string, options?: RosterParseOptions): RosterRow[] {
  return [...parseRosterCsv(input, options)];
}

export function importError(input: Uint8Array | string, options?: RosterParseOptions): RosterImportError {
  try {
    parse(input, options);
  } catch (e) {
    expect(e).toBeInstanceOf(RosterImportError);
    return e as RosterImportError;
  }
  throw new Error('expected a RosterImportError');
}

export function expectError(
  input: Uint8Array | string,
  code: ImportErrorCode,
  row: number | null,
  column: string | null,
  options?: RosterParseOptions,
): RosterImportError {
  const e = importError(input, options);
  expect({ code: e.code, row: e.row, column: e.column }).toEqual({ code, row, column });
  expect(e.message).toBe(e.staffMessage.en);
  expect(e.staffMessage.ja.length).toBeGreaterThan(0);
  if (row !== null) {
    expect(e.staffMessage.ja).toContain(`${row}行目`);
    expect(e.staffMessage.en).toContain(`Row ${row}`);
  }
  if (column !== null) {
    expect(e.staffMessage.ja).toContain(`${column} 列`);
    expect(e.staffMessage.en).toContain(`column ${column}`);
  }
  return e;
}

/** Everything an error could leak through: message, staff text, stack, properties. */
export function everythingIn(e: RosterImportError): string {
  return [String(e), e.stack ?? '', JSON.stringify(e), JSON.stringify(e.staffMessage), JSON.stringify(Object.entries(e))].join('\n');
}

export function expectNoTrace(e: RosterImportError, ...values: string[]): void {
  const all = everythingIn(e);
  const digitsOnly = all.replace(/[^0-9０-９]/g, '');
  for (const v of values) {
    expect(all).not.toContain(v);
    const digits = v.normalize('NFKC').replace(/[^0-9]/g, '');
    if (digits.length >= 8) expect(digitsOnly.normalize('NFKC')).not.toContain(digits);
  }
}

