import { z } from 'zod';
import { verifyAuditLog } from '../../audit/log';
import { text } from '../../common/messages';
import { venueDate } from '../../common/time';
import { listProducts, upsertProducts } from '../../doses/catalog';
import { importRosterCsv } from '../../roster/import';
import { parseProductsCsv } from '../../roster/products-csv';
import { diskNeeds } from '../../store/disk-space';
import { defineOperation, refuse } from '../operation';

/** Big enough for a large municipality's roster file (about 300 MB of CSV). */
const MAX_CSV_BASE64 = 420_000_000;
const csvPayload = z.string().max(MAX_CSV_BASE64).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const encoding = z.enum(['auto', 'utf-8', 'shift_jis']).optional();

function decodeBase64(value: string): Buffer {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 0) refuse('EMPTY_FILE', text('ファイルが空です。', 'The file is empty.'));
  return bytes;
}

/**
 * An import grows the database and its log by a few times the CSV's size
 * (measured: 2.3× for 20,000 people into a new roster, 4.7× for 60,000 on
 * top of it, log and file together at their largest); six times plus a
 * margin is asked for before anything is written.
 */
function refuseWithoutRoom(free: number | null, csvBytes: number): void {
  const needed = csvBytes * 6 + 16 * 1024 * 1024;
  if (free !== null && free < needed) refuse('NOT_ENOUGH_SPACE', diskNeeds(text('名簿の取り込み', 'a roster import'), needed, free));
}

export const adminOperations = {
  importRoster: defineOperation({
    summary: 'Import a roster & bookings CSV (docs/roster-csv.md). All or nothing; individual numbers are refused.',
    access: { roles: ['supervisor'] },
    // The import is one transaction of its own (all or nothing), opened by importRosterCsv outside the
    // dispatcher's so it can run without foreign-key checks (see there); the audit entry follows it.
    transactional: false,
    input: z.strictObject({ csvBase64: csvPayload, encoding }),
    output: z.object({ rows: z.number(), people: z.number(), tickets: z.number(), bookings: z.number() }),
    handler(input, context) {
      const csv = decodeBase64(input.csvBase64);
      refuseWithoutRoom(context.services.disk?.view().freeBytes ?? null, csv.length);
      const summary = importRosterCsv(context.db, csv, {
        encoding: input.encoding,
        today: venueDate(context.now),
        knownProducts: new Set(listProducts(context.db).map((p) => p.id)),
      });
      context.audit(null, { ...summary });
      context.emit({ type: 'roster' });
      return summary;
    },
  }),

  importProducts: defineOperation({
    summary: 'Load the product master CSV (docs/roster-csv.md): products added or updated by code. All or nothing.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ csvBase64: csvPayload, encoding }),
    output: z.object({ products: z.number() }),
    handler(input, context) {
      const known = new Set(listProducts(context.db).map((p) => p.id));
      const rows = parseProductsCsv(decodeBase64(input.csvBase64), { encoding: input.encoding, knownProducts: known });
      upsertProducts(context.db, rows.map(({ row: _row, code, ...rest }) => ({ ...rest, id: code })));
      context.audit(null, { products: rows.length });
      context.emit({ type: 'products' });
      return { products: rows.length };
    },
  }),

  verifyAudit: defineOperation({
    summary: 'Walk the audit log’s keyed hash chain and report any edited, missing, inserted or truncated entry, and a head the app did not write.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({}),
    output: z.object({
      ok: z.boolean(),
      entries: z.number(),
      head: z.object({ seq: z.number(), hash: z.string() }),
      problems: z.array(z.object({ seq: z.number(), kind: z.string() })),
    }),
    handler(_input, context) {
      const result = verifyAuditLog(context.db);
      context.audit(null, { ok: result.ok, entries: result.entries });
      return { ...result, problems: [...result.problems] };
    },
  }),
};
