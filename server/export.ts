import { z } from 'zod';
import { isCalendarDate } from '../src/common/time';
import { vrsRows, VRS_HEADER, type VrsWithheld } from '../src/day/vrs';
import { CsvEncodingError, writeCsv, type CsvEncoding } from '../src/roster/csv';
import type { CentralDb } from './db';
import { Problem } from './problems';
import { requireMunicipality } from './setup';

/**
 * A day's doses of a municipality as CSV in the fields of the VRS per-dose
 * export (docs/domain.md): registration time, date given, ticket number,
 * municipality code, venue, doctor, maker, lot. Performed and not voided
 * only. UTF-8 with a BOM (Excel) or Shift_JIS. Never an individual number:
 * no field is meant to hold one, uploads refuse one, and a record with a cell
 * that may hold one anyway is left out of the file and named in `withheld`
 * (by id and column, never the value), so one bad record never blocks a
 * day's export. The columns, cells and that rule are the venue app's own
 * export's (src/day/vrs.ts), so both files read the same.
 */
export const VRS_COLUMNS = VRS_HEADER;

/**
 * The fields of a stored dose the export reads. Not the upload schema: its
 * refinements would refuse the very record (stored before them) that the
 * export must leave out and name rather than fail on.
 */
const storedDose = z.object({
  recordedAt: z.string(),
  venueDate: z.string(),
  ticketNumber: z.string(),
  municipality: z.string(),
  venueId: z.string(),
  doctor: z.string().nullable(),
  maker: z.string().nullable(),
  lotNumber: z.string().nullable(),
});

export async function exportDoses(
  db: CentralDb,
  input: { municipality: string; date: string; encoding: CsvEncoding },
): Promise<{ csv: Buffer; rows: number; withheld: VrsWithheld[] }> {
  if (!isCalendarDate(input.date)) throw new Problem(400, 'INVALID_DATE', 'The date is YYYY-MM-DD.', '日付は YYYY-MM-DD で指定してください。');
  await requireMunicipality(db, input.municipality);
  const records = await db.query<{ id: string; body: string; venue_name: string | null }>(
    `SELECT d.id, d.body, v.name AS venue_name FROM dose_records d LEFT JOIN venues v ON v.id = d.venue_id
     WHERE d.municipality = $1 AND d.venue_date = $2 AND d.status = 'performed' AND d.voided_by IS NULL
     ORDER BY d.recorded_at, d.id`,
    [input.municipality, input.date],
  );
  const file = vrsRows(
    records.map((record) => {
      const d = storedDose.parse(JSON.parse(record.body));
      return { ...d, id: record.id, venueName: record.venue_name ?? d.venueId };
    }),
  );
  try {
    return { csv: writeCsv([...VRS_HEADER], file.rows, { encoding: input.encoding }), rows: file.rows.length, withheld: file.withheld };
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
