import { venueIso } from '../common/time';
import { writeCsv } from '../roster/csv';
import { looksLikeMyNumber } from '../ticket/checkdigits';

/**
 * The per-dose CSV of the national record system (VRS), fields as in its
 * public spec (docs/domain.md). Pure: the venue app and the central service
 * both export with it. There is no column an individual number could go in.
 */
export const VRS_HEADER = ['登録日時', '接種日', '券番号', '市町村コード', '接種会場', '医師名', 'メーカー', 'ロット番号'] as const;

export interface VrsSource {
  /** When the record was made, with offset (registration time). */
  readonly recordedAt: string;
  /** The venue's calendar date of the dose, YYYY-MM-DD. */
  readonly venueDate: string;
  readonly ticketNumber: string;
  readonly municipality: string;
  readonly venueName: string;
  readonly doctor: string | null;
  readonly maker: string | null;
  readonly lotNumber: string | null;
}

/** At most `max` characters (code points, so a surrogate pair is never cut in half). */
function limit(value: string | null, max: number): string {
  return [...(value ?? '')].slice(0, max).join('');
}

/** An instant as the venue's wall clock, YYYYMMDDHHMMSS (2026-11-23T00:05:07Z → 20261123090507). */
function compactTime(instant: string): string {
  return venueIso(new Date(instant)).slice(0, 19).replace(/[-T:]/g, '');
}

export function vrsRow(source: VrsSource): string[] {
  return [
    compactTime(source.recordedAt),
    source.venueDate.replaceAll('-', ''),
    source.ticketNumber,
    source.municipality,
    limit(source.venueName, 30),
    limit(source.doctor, 20),
    limit(source.maker, 20),
    limit(source.lotNumber, 20),
  ];
}

/** Refuses an export in which any cell looks like an individual number; names the row and column, never the value. */
export class VrsExportError extends Error {
  readonly code = 'INDIVIDUAL_NUMBER_IN_EXPORT';
  readonly staffMessage: { ja: string; en: string };
  constructor(row: number, column: string) {
    const staffMessage = {
      ja: `${row}件目の「${column}」が個人番号のように見えるため、出力を中止しました。記録を確認してください。`,
      en: `Export stopped: record ${row}, column ${column}, looks like an individual number. Check the record.`,
    };
    super(staffMessage.en);
    this.staffMessage = staffMessage;
    this.name = 'VrsExportError';
  }
}

export function vrsRows(sources: readonly VrsSource[]): string[][] {
  return sources.map((source, index) => {
    const row = vrsRow(source);
    const leak = row.findIndex((cell) => looksLikeMyNumber(cell));
    if (leak >= 0) throw new VrsExportError(index + 1, VRS_HEADER[leak] ?? String(leak));
    return row;
  });
}

export function writeVrsCsv(sources: readonly VrsSource[], encoding: 'utf-8' | 'shift_jis'): Buffer {
  return writeCsv([...VRS_HEADER], vrsRows(sources), { encoding });
}
