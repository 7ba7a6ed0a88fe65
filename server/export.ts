import { isCalendarDate } from '../src/common/time';
import { VRS_HEADER, vrsRow } from '../src/day/vrs';
import { CsvEncodingError, writeCsv, type CsvEncoding } from '../src/roster/csv';
import { fieldLooksLikeMyNumber } from '../src/roster/roster-csv';
import { doseData } from '../src/sync/protocol';
import type { CentralDb } from './db';
import { Problem } from './problems';
import { requireMunicipality } from './setup';

/**
 * A day's doses of a municipality as CSV in the fields of the VRS per-dose
 * export (docs/domain.md): registration time, date given, ticket number,
 * municipality code, venue, doctor, maker, lot. Performed and not voided
 * only. UTF-8 with a BOM (Excel) or Shift_JIS. Never an individual number:
 * no field is meant to hold one, and any cell that looks like one stops the
 * export (naming the record, never the value). The columns and cells are
 * the venue app's own export's (src/day/vrs.ts), so both files read the same.
 */
export const VRS_COLUMNS = VRS_HEADER;

export async function exportDoses(
  db: CentralDb,
  input: { municipality: string; date: string; encoding: CsvEncoding },
): Promise<{ csv: Buffer; rows: number }> {
  if (!isCalendarDate(input.date)) throw new Problem(400, 'INVALID_DATE', 'The date is YYYY-MM-DD.', '日付は YYYY-MM-DD で指定してください。');
  await requireMunicipality(db, input.municipality);
  const records = await db.query<{ id: string; body: string; venue_name: string | null }>(
    `SELECT d.id, d.body, v.name AS venue_name FROM dose_records d LEFT JOIN venues v ON v.id = d.venue_id
     WHERE d.municipality = $1 AND d.venue_date = $2 AND d.status = 'performed' AND d.voided_by IS NULL
     ORDER BY d.recorded_at, d.id`,
    [input.municipality, input.date],
  );
  const rows = records.map((record) => {
    const d = doseData.parse(JSON.parse(record.body));
    const cells = vrsRow({
      recordedAt: d.recordedAt,
      venueDate: d.venueDate,
      ticketNumber: d.ticketNumber,
      municipality: d.municipality,
      venueName: record.venue_name ?? d.venueId,
      doctor: d.doctor,
      maker: d.maker,
      lotNumber: d.lotNumber,
    });
    const leak = cells.findIndex((cell) => fieldLooksLikeMyNumber(cell));
    if (leak >= 0) {
      throw new Problem(
        422,
        'INDIVIDUAL_NUMBER_IN_EXPORT',
        `Record ${record.id} has something that looks like an individual number in the ${VRS_COLUMNS[leak]} field. Nothing was exported; have the record corrected (void and record again).`,
        `記録 ${record.id} の「${VRS_COLUMNS[leak]}」に個人番号と思われる値があります。出力を中止しました。記録を訂正してください（取り消して記録し直す）。`,
      );
    }
    return cells;
  });
  try {
    return { csv: writeCsv([...VRS_HEADER], rows, { encoding: input.encoding }), rows: rows.length };
  } catch (error) {
    if (error instanceof CsvEncodingError) {
      throw new Problem(
        422,
        'NOT_SHIFT_JIS',
        `Row ${error.row ?? '?'} holds a character that Shift_JIS cannot write. Export as UTF-8 instead.`,
        `${error.row ?? '?'}行目に Shift_JIS で書けない文字があります。UTF-8 で出力してください。`,
      );
    }
    throw error;
  }
}
