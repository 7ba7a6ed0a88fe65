import { venueIso } from '../common/time';
import { writeCsv } from '../roster/csv';
import { containsIndividualNumber } from '../privacy/individual-number';

/**
 * The per-dose CSV of the national record system (VRS), fields as in its
 * public spec (docs/domain.md). Pure: the venue app and the central service
 * both export with it. There is no column an individual number could go in,
 * and a record with a cell that may hold one is left out (vrsRows).
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

/** A record left out of the file because a cell of it may hold an individual number. */
export interface VrsWithheld {
  readonly recordId: string;
  /** The VRS column that held it (never the value). */
  readonly column: string;
}

export interface VrsFile {
  readonly rows: string[][];
  readonly withheld: VrsWithheld[];
}

/**
 * The rows of the file. Individual numbers are stopped where they are typed
 * (src/privacy), so this should never find one; if a record made before that
 * (or by a device that skipped it) holds one, only that record is left out and
 * named, by id and column, for a supervisor to void and record again: the
 * rest of the day is still exported, and a later export carries the corrected
 * record. A record is left out whole rather than with a blank cell, so the
 * national record never receives a dose with its lot or doctor silently missing.
 */
export function vrsRows(sources: readonly (VrsSource & { readonly id: string })[]): VrsFile {
  const rows: string[][] = [];
  const withheld: VrsWithheld[] = [];
  for (const source of sources) {
    const row = vrsRow(source);
    const leak = row.findIndex((cell) => containsIndividualNumber(cell));
    if (leak >= 0) withheld.push({ recordId: source.id, column: VRS_HEADER[leak] ?? String(leak) });
    else rows.push(row);
  }
  return { rows, withheld };
}

export function writeVrsCsv(sources: readonly (VrsSource & { readonly id: string })[], encoding: 'utf-8' | 'shift_jis'): { csv: Buffer; rows: number; withheld: VrsWithheld[] } {
  const file = vrsRows(sources);
  return { csv: writeCsv([...VRS_HEADER], file.rows, { encoding }), rows: file.rows.length, withheld: file.withheld };
}
