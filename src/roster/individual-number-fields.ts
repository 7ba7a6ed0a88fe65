// The individual number (個人番号) in an imported CSV: column names that mean
// it, and fields that hold one (src/privacy's detector). Either stops the import.
import { containsIndividualNumber } from '../privacy/individual-number';
import type { CsvRecord } from './csv';
import { fieldPlace, RosterImportError, say } from './import-errors';


/**
 * Columns that hold a list of small structured items (prior_doses: dose, date,
 * product code, place, joined by : and ;): each item is checked on its own, so
 * a dose number, a date and a numeric product code side by side are not read
 * as twelve digits. Every other field is checked whole.
 */
export const LIST_COLUMNS: ReadonlySet<string> = new Set(['prior_doses']);

/** True when a field may hold an individual number (src/privacy's detector, the one every way in uses). */
export function fieldHoldsIndividualNumber(column: string | undefined, value: string): boolean {
  if (column !== undefined && LIST_COLUMNS.has(column)) return value.split(/[;:]/).some((part) => containsIndividualNumber(part));
  return containsIndividualNumber(value);
}

/** Header names meaning the individual number, after normaliseHeaderName. */
export const MY_NUMBER_HEADER_EXACT = new Set([
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
export const MY_NUMBER_HEADER_PARTS = [
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

export function normaliseHeaderName(name: string): string {
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

export function myNumberValueError(row: number, names: readonly string[], i: number): RosterImportError {
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
