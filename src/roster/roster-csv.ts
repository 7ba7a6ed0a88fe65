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
 *
 * The work is split by job: import-errors.ts (what is said), individual-number-fields.ts,
 * import-kit.ts and import-file.ts (shared with products-csv.ts), roster-format.ts, hash-tables.ts, row-fields.ts
 * and row-checker.ts.
 */
import { isCalendarDate } from '../common/time';
import { fail, say } from './import-errors';
import { ImportFile } from './import-file';
import { ROSTER_SPEC, type RosterParseOptions, type RosterRow } from './roster-format';
import { RowChecker } from './row-checker';

// The format's public face, for callers that only read rosters (the end-to-end tests name the columns from here).
export { ROSTER_COLUMNS, type RosterColumn, type RosterParseOptions, type RosterRow } from './roster-format';
export { RosterImportError, type ImportErrorCode } from './import-errors';

/**
 * Reads a roster & bookings CSV row by row. Throws RosterImportError (see the
 * codes in ImportErrorCode) at the first problem; an individual number
 * anywhere in the file is reported before any other problem.
 */
export function* parseRosterCsv(input: Uint8Array | string, options: RosterParseOptions = {}): Generator<RosterRow> {
  const today = options.today;
  if (today !== undefined && !isCalendarDate(today)) throw new TypeError('parseRosterCsv: today must be YYYY-MM-DD');

  const file = new ImportFile(input, options.encoding, ROSTER_SPEC);
  try {
    const check = new RowChecker(options);
    let count = 0;
    for (const { record, header } of file.records()) {
      const row = check.row(record, header.index);
      count++;
      yield row;
    }
    if (file.header === null) {
      fail('EMPTY_FILE', null, null, say('ファイルが空です。', 'the file is empty.'));
    }
    if (count === 0) {
      fail('EMPTY_FILE', null, null, say('列名の行だけで、データの行がありません。', 'the file has column names but no data rows.'));
    }
  } catch (e) {
    throw file.explain(e);
  }
}
